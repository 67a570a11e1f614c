import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { addGradients } from '../../../../src/main/nn/autodiff';
import { GraphBuilder } from '../../../../src/main/nn/builder';
import { serializeGraph } from '../../../../src/main/nn/serialize';

describe('MaxPool gradient on ties', () => {
  it('sends each window\'s gradient to its first maximum in row-major order, as PyTorch does; overlapping windows add up', async () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', [1, 1, 5, 5]);
    const y = b.maxPool(x, { kernel: [3, 3], strides: [2, 2], pads: 1 });
    const loss = b.reduceSum(y, [], false);
    b.output(loss, 'loss');
    const { grads } = addGradients(b, loss, [x], { unreachable: 'throw' });
    b.output(grads.get(x)!, 'dx');
    const session = await ort.InferenceSession.create(serializeGraph(b.graph));
    // every element equal: each of the 3 × 3 windows picks its top-left in-bounds element
    const out = await session.run({ x: new ort.Tensor('float32', new Float32Array(25).fill(1), [1, 1, 5, 5]) });
    const dx = Array.from(out.dx.data as Float32Array);
    // torch.nn.functional.max_pool2d(ones(1,1,5,5), 3, 2, 1) backward of sum(): windows start at rows/cols −1, 1, 3 → first in-bounds 0, 1, 3
    const expected = new Array(25).fill(0);
    for (const r of [0, 1, 3]) for (const c of [0, 1, 3]) expected[r * 5 + c] += 1;
    expect(dx).toEqual(expected);
    await session.release();
  });
});
