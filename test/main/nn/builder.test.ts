import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { GraphBuilder, float32Tensor } from '../../../src/main/nn/builder';
import { Graph } from '../../../src/main/nn/ir';
import { serializeGraph } from '../../../src/main/nn/serialize';

/** Deterministic pseudo-random floats in [-1, 1). */
function randoms(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

async function run(graph: Graph, feeds: Record<string, ort.Tensor>): Promise<Record<string, ort.Tensor>> {
  const session = await ort.InferenceSession.create(serializeGraph(graph));
  try {
    return (await session.run(feeds)) as Record<string, ort.Tensor>;
  } finally {
    await session.release();
  }
}

describe('GraphBuilder', () => {
  it('builds conv + bias + relu + global pool + gemm + softmax that ORT runs like a TS reference', async () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', [2, 3, 5, 5]);
    const w = b.initializer('conv.weight', float32Tensor(randoms(4 * 3 * 3 * 3, 1), [4, 3, 3, 3]));
    const bias = b.initializer('conv.bias', float32Tensor(randoms(4, 2), [4]));
    const fcW = b.initializer('fc.weight', float32Tensor(randoms(6 * 4, 3), [6, 4]));
    const fcB = b.initializer('fc.bias', float32Tensor(randoms(6, 4), [6]));
    const h = b.relu(b.conv(x, w, bias, { pads: 1, strides: [2, 2] }));
    expect(h.shape).toEqual([2, 4, 3, 3]);
    const pooled = b.reshape(b.globalAveragePool(h), [2, -1]);
    const logits = b.gemm(pooled, fcW, fcB, { transB: true });
    b.output(b.softmax(logits), 'probs');
    b.output(h, 'features');

    const xData = randoms(2 * 3 * 5 * 5, 5);
    const out = await run(b.graph, { x: new ort.Tensor('float32', xData, [2, 3, 5, 5]) });

    // TS reference
    const wd = randoms(108, 1), bd = randoms(4, 2), fw = randoms(24, 3), fb = randoms(6, 4);
    const feat = new Float32Array(2 * 4 * 9);
    for (let n = 0; n < 2; n++) for (let o = 0; o < 4; o++) for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
      let s = bd[o];
      for (let c = 0; c < 3; c++) for (let ki = 0; ki < 3; ki++) for (let kj = 0; kj < 3; kj++) {
        const yi = 2 * i - 1 + ki, xj = 2 * j - 1 + kj;
        if (yi < 0 || yi >= 5 || xj < 0 || xj >= 5) continue;
        s += wd[((o * 3 + c) * 3 + ki) * 3 + kj] * xData[((n * 3 + c) * 5 + yi) * 5 + xj];
      }
      feat[((n * 4 + o) * 3 + i) * 3 + j] = Math.max(s, 0);
    }
    const probs: number[] = [];
    for (let n = 0; n < 2; n++) {
      const mean = [0, 1, 2, 3].map((o) => feat.slice((n * 4 + o) * 9, (n * 4 + o + 1) * 9).reduce((a, v) => a + v, 0) / 9);
      const z = [0, 1, 2, 3, 4, 5].map((k) => fb[k] + mean.reduce((a, m, o) => a + m * fw[k * 4 + o], 0));
      const e = z.map((v) => Math.exp(v - Math.max(...z)));
      const sum = e.reduce((a, v) => a + v, 0);
      probs.push(...e.map((v) => v / sum));
    }
    const got = out.probs.data as Float32Array;
    expect(out.probs.dims).toEqual([2, 6]);
    probs.forEach((p, i) => expect(got[i]).toBeCloseTo(p, 5));
    (out.features.data as Float32Array).forEach((v, i) => expect(v).toBeCloseTo(feat[i], 5));
  });

  it('runs shape ops (split, slice with negative step, concat, transpose, expand, pad, resize, reductions)', async () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', [1, 4, 2, 3]);
    const [p, q] = b.split(x, [1, 3], 1);
    expect(q.shape).toEqual([1, 3, 2, 3]);
    const flipped = b.slice(x, [-1], [-5], [3], [-1]); // reverse last axis
    expect(flipped.shape).toEqual([1, 4, 2, 3]);
    const cat = b.concat([q, p], 1);
    const t = b.transpose(cat, [0, 1, 3, 2]);
    expect(t.shape).toEqual([1, 4, 3, 2]);
    const up = b.resize(x, [1, 1, 2, 2], { mode: 'nearest', coordinateTransformationMode: 'asymmetric', nearestMode: 'floor' });
    expect(up.shape).toEqual([1, 4, 4, 6]);
    const padded = b.pad(x, [0, 0, 1, 0, 0, 0, 0, 2], 'constant', 7);
    expect(padded.shape).toEqual([1, 4, 3, 5]);
    const sum = b.reduceSum(x, [2, 3], false);
    const mean = b.reduceMean(x, [1]);
    const mx = b.reduceMax(x, [3], false);
    const e = b.expand(b.reshape(sum, [1, 4, 1, 1]), [2, 4, 2, 1]);
    const clipped = b.clip(x, -0.25, 0.5);
    const w = b.where(b.less(x, b.scalar(0)), b.neg(x), x);
    for (const [v, name] of [[flipped, 'flipped'], [t, 't'], [up, 'up'], [padded, 'padded'], [sum, 'sum'], [mean, 'mean'], [mx, 'mx'], [e, 'e'], [clipped, 'clipped'], [w, 'w']] as const) {
      b.output(v, name);
    }
    const data = randoms(24, 9);
    const out = await run(b.graph, { x: new ort.Tensor('float32', data, [1, 4, 2, 3]) });
    const at = (c: number, i: number, j: number) => data[(c * 2 + i) * 3 + j];
    const get = (name: string) => out[name].data as Float32Array;
    expect(get('flipped')[0]).toBeCloseTo(at(0, 0, 2), 6);
    // t: concat [q(ch1..3), p(ch0)], then swap H and W
    expect(get('t')[((0 * 3 + 2) * 2) + 1]).toBeCloseTo(at(1, 1, 2), 6);
    expect(get('t')[((3 * 3 + 1) * 2) + 0]).toBeCloseTo(at(0, 0, 1), 6);
    expect(get('up')[(1 * 4 + 3) * 6 + 5]).toBeCloseTo(at(1, 1, 2), 6);
    expect(get('padded')[0]).toBe(7);
    expect(get('padded')[(0 * 3 + 1) * 5 + 0]).toBeCloseTo(at(0, 0, 0), 6);
    for (let c = 0; c < 4; c++) {
      let s = 0;
      for (let k = 0; k < 6; k++) s += data[c * 6 + k];
      expect(get('sum')[c]).toBeCloseTo(s, 5);
      expect(get('e')[8 + c * 2 + 1]).toBeCloseTo(s, 5);
      expect(get('mx')[c * 2 + 1]).toBeCloseTo(Math.max(at(c, 1, 0), at(c, 1, 1), at(c, 1, 2)), 6);
    }
    expect(get('mean')[4]).toBeCloseTo((at(0, 1, 1) + at(1, 1, 1) + at(2, 1, 1) + at(3, 1, 1)) / 4, 6);
    get('clipped').forEach((v, i) => expect(v).toBeCloseTo(Math.min(Math.max(data[i], -0.25), 0.5), 6));
    get('w').forEach((v, i) => expect(v).toBeCloseTo(Math.abs(data[i]), 6));
  });

  it('rejects wrong shapes at build time, naming the node and shapes', () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', [1, 3, 8, 8]);
    const w = b.initializer('w', float32Tensor(new Float32Array(4 * 2 * 9), [4, 2, 3, 3]));
    expect(() => b.scope('block', () => b.conv(x, w))).toThrow(/block\/Conv.*expects 2 input channels.*\[1,3,8,8\] has 3/);
    expect(() => b.add(x, b.input('y', 'float32', [2, 8]))).toThrow(/\[1,3,8,8\] and \[2,8\] do not broadcast/);
    expect(() => b.reshape(x, [5, -1])).toThrow(/cannot reshape/);
    expect(() => b.matmul(b.input('a', 'float32', [2, 3]), b.input('c', 'float32', [4, 2]))).toThrow(/inner dimensions/);
    expect(() => b.add(x, b.input('i', 'int64', [1]))).toThrow(/dtype int64/);
  });

  it('keeps appending to an existing graph and adds outputs later (as autodiff does)', async () => {
    const graph = new Graph('g');
    const first = new GraphBuilder(graph);
    const x = first.input('x', 'float32', [3]);
    const y = first.exp(x);
    first.output(y, 'y');
    // a second builder over the same graph walks nodes backwards and appends
    const second = new GraphBuilder(graph);
    const last = graph.nodes[graph.nodes.length - 1];
    expect(last.opType).toBe('Exp');
    expect(last.inputs[0]).toBe(x);
    const dy = second.input('dy', 'float32', [3]);
    second.output(second.mul(dy, last.outputs[0]), 'dx');
    second.output(x, 'x_copy'); // an input as output gets an Identity
    const out = await run(graph, { x: new ort.Tensor('float32', Float32Array.of(0, 1, -1), [3]), dy: new ort.Tensor('float32', Float32Array.of(1, 2, 3), [3]) });
    [1, 2 * Math.E, 3 / Math.E].forEach((v, i) => expect((out.dx.data as Float32Array)[i]).toBeCloseTo(v, 5));
    expect(Array.from(out.x_copy.data as Float32Array)).toEqual([0, 1, -1]);
    expect(graph.consumers().get(x)?.map((n) => n.opType)).toEqual(['Exp', 'Identity']);
  });
});

describe('serializeGraph at the size of a real training graph', () => {
  it('writes a graph with more parts than a function call takes arguments (the 256-px train step has ~21k nodes)', async () => {
    // 200k value_info messages: past V8's argument limit for spreading the parts in one call.
    const b = new GraphBuilder();
    let x = b.input('x', 'float32', [1]);
    for (let i = 0; i < 200_000; i++) x = b.neg(x);
    b.output(x, 'y');
    const bytes = serializeGraph(b.graph);
    expect(bytes.length).toBeGreaterThan(200_000 * 10);
    // ORT reads it back: the chain of an even number of negations is the identity.
    const session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'disabled' });
    try {
      const out = (await session.run({ x: new ort.Tensor('float32', Float32Array.from([1.5]), [1]) })) as Record<string, ort.Tensor>;
      expect(Array.from(out.y.data as Float32Array)).toEqual([1.5]);
    } finally {
      await session.release();
    }
  }, 120_000);
});
