import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../../../src/main/nn/builder';
import { opSpecs } from '../../../../src/main/nn/ops';
import { serializeGraph } from '../../../../src/main/nn/serialize';
import { GradientRegistry, addGradients, gradientRules } from '../../../../src/main/nn/autodiff';
import { absGrad } from '../../../../src/main/nn/autodiff/rules/Abs';

async function run(b: GraphBuilder, feeds: Record<string, number[]>, shapes: Record<string, number[]>) {
  const session = await ort.InferenceSession.create(serializeGraph(b.graph));
  const tensors = Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, new ort.Tensor('float32', Float32Array.from(v), shapes[k])]));
  const out = await session.run(tensors);
  await session.release();
  return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, Array.from(t.data as Float32Array)]));
}

describe('addGradients', () => {
  it('accumulates the gradient of a value read by several nodes', async () => {
    // f(x) = Σ (x·x + 3x + sigmoid(x)): x is read by four uses
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', [4]);
    const y = b.add(b.add(b.mul(x, x), b.mul(x, b.scalar(3))), b.sigmoid(x));
    const loss = b.reduceSum(y, [], false);
    b.output(loss, 'loss');
    const { grads } = addGradients(b, loss, [x]);
    b.output(grads.get(x)!, 'dx');
    const xs = [-1, 0.5, 2, 0];
    const out = await run(b, { x: xs }, { x: [4] });
    const expected = xs.map((v) => 2 * v + 3 + (1 / (1 + Math.exp(-v))) * (1 - 1 / (1 + Math.exp(-v))));
    out.dx.forEach((d, i) => expect(d).toBeCloseTo(expected[i], 5));
  });

  it('prunes branches that do not lead from a trained value to the loss', () => {
    // the frozen branch has a MaxPool, which has no gradient rule: it must not be visited
    const b = new GraphBuilder();
    const image = b.input('image', 'float32', [1, 1, 4, 4]);
    const w = b.input('w', 'float32', [1, 1, 4, 4]);
    const frozen = b.resize(b.maxPool(image, { kernel: [2, 2], strides: [2, 2] }), [1, 1, 2, 2], { mode: 'nearest', coordinateTransformationMode: 'asymmetric', nearestMode: 'floor' });
    const unused = b.input('unused', 'float32', [4]);
    b.output(b.exp(unused), 'side');
    const loss = b.reduceSum(b.mul(frozen, w), [], false);
    const before = b.graph.nodes.length;
    const { grads, differentiatedNodes } = addGradients(b, loss, [w, unused]);
    expect(differentiatedNodes).toBe(2); // ReduceSum and Mul only
    expect(grads.get(unused)!.producer!.opType).toBe('Expand'); // zeros: the loss ignores it
    expect(b.graph.nodes.slice(before).some((n) => n.name.includes('MaxPool'))).toBe(false);
    expect(() => addGradients(b, loss, [unused], { unreachable: 'throw' })).toThrow(/does not depend on unused/);
  });

  it('names the op when a rule is missing on the path', () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', [1, 1, 4, 4]);
    const loss = b.reduceSum(b.reduceMax(x, [2, 3]), [], false);
    expect(() => addGradients(b, loss, [x])).toThrow(/no gradient rule for op ReduceMax/);
  });

  it('emits only default-domain standard ops', () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', [1, 2, 4, 4]);
    const w = b.input('w', 'float32', [2, 2, 3, 3]);
    const loss = b.reduceMean(b.sigmoid(b.conv(x, w, undefined, { pads: 1, strides: [2, 2] })), [], false);
    const { grads } = addGradients(b, loss, [x, w]);
    b.output(grads.get(x)!, 'dx');
    b.output(grads.get(w)!, 'dw');
    const ops = new Set(b.graph.nodes.map((n) => n.opType));
    // every op is one of the IR's default-domain ONNX ops
    expect([...ops].filter((op) => !(op in opSpecs))).toEqual([]);
    expect(ops.has('ConvTranspose')).toBe(true); // the stride-2 input gradient
    const bytes = Buffer.from(serializeGraph(b.graph)).toString('latin1');
    expect(bytes).not.toContain('com.microsoft');
    expect(bytes).not.toContain('ai.onnx.preview');
  });
});

describe('gradient registry', () => {
  it('rejects a second rule for the same op', () => {
    expect(() => new GradientRegistry([absGrad, { ...absGrad }])).toThrow(/duplicate gradient rule for op Abs/);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(gradientRules)).toBe(true);
    expect(Object.isFrozen(gradientRules.get('Conv'))).toBe(true);
  });
});
