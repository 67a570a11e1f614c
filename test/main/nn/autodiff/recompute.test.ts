import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../../../src/main/nn/builder';
import type { Node, Value } from '../../../../src/main/nn/ir';
import { serializeGraph } from '../../../../src/main/nn/serialize';
import { addGradients } from '../../../../src/main/nn/autodiff';

// loss = Σ (block(x·w))², block(h) = h·sigmoid(h) + h: every inner value of 'block' is saved by some rule
function build(recompute: boolean) {
  const b = new GraphBuilder();
  const x = b.input('x', 'float32', [2, 3]);
  const w = b.input('w', 'float32', [2, 3]);
  const h = b.mul(x, w);
  const out = b.scope('block', () => b.add(b.mul(h, b.sigmoid(h)), h));
  const loss = b.reduceSum(b.mul(out, out), [], false);
  b.output(loss, 'loss');
  const { grads } = addGradients(b, loss, [w], { recompute: recompute ? (n) => (n.name.startsWith('block/') ? 'block' : undefined) : undefined });
  b.output(grads.get(w)!, 'dw');
  return b.graph;
}

describe('activation recomputation in the autodiff', () => {
  it('gives the same gradient and reads no inner forward value of the segment in the backward pass', async () => {
    const feeds = { x: new ort.Tensor('float32', Float32Array.of(0.3, -1, 2, 0.5, 1.5, -0.2), [2, 3]), w: new ort.Tensor('float32', Float32Array.of(1, 0.7, -0.4, 2, 0.1, 1.2), [2, 3]) };
    const dw = async (recompute: boolean) => {
      const session = await ort.InferenceSession.create(serializeGraph(build(recompute)));
      const out = await session.run(feeds);
      await session.release();
      return Array.from(out.dw.data as Float32Array);
    };
    expect(await dw(true)).toEqual(await dw(false));

    const graph = build(true);
    const forward = graph.nodes.filter((n) => !n.name.startsWith('grad/'));
    const inner = new Set(forward.filter((n) => n.name.startsWith('block/')).flatMap((n) => n.outputs));
    const blockOutput = forward.filter((n) => n.name.startsWith('block/')).at(-1)!.outputs[0];
    const backward = graph.nodes.filter((n) => n.name.startsWith('grad/'));
    for (const node of backward) for (const v of node.inputs) if (v && v !== blockOutput) expect(inner.has(v), `${node.name} reads ${v.name}`).toBe(false);
    // the copies exist and each depends on the backward pass (gated by the incoming gradient)
    const copies = backward.filter((n) => n.name.includes('recompute/'));
    expect(copies.map((n) => n.opType).sort()).toEqual(expect.arrayContaining(['Sigmoid']));
    const producer = new Map<Value, Node>(graph.nodes.flatMap((n) => n.outputs.map((v) => [v, n] as [Value, Node])));
    const dependsOnBackward = (node: Node, seen = new Set<Node>()): boolean => {
      if (seen.has(node)) return false;
      seen.add(node);
      return node.inputs.some((v) => {
        const p = v && producer.get(v);
        return !!p && ((p.name.startsWith('grad/') && !p.name.includes('recompute/')) || dependsOnBackward(p, seen));
      });
    };
    for (const copy of copies) expect(dependsOnBackward(copy), copy.name).toBe(true);
  });
});
