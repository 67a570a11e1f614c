import { describe, expect, it } from 'vitest';
import { GraphBuilder, float32Tensor } from '../../../src/main/nn/builder';
import { countMacs } from '../../../src/main/nn/flops';

describe('countMacs', () => {
  it('counts conv, grouped conv, matmul and gemm multiply-accumulates from static shapes', () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', [2, 4, 8, 8]);
    const w = b.initializer('w', float32Tensor(new Float32Array(6 * 4 * 9), [6, 4, 3, 3]));
    const h = b.conv(x, w, undefined, { pads: 1 }); // 2·6·8·8 outputs × 4·3·3
    const g = b.initializer('g', float32Tensor(new Float32Array(6 * 3 * 1), [6, 3, 1, 1]));
    b.conv(h, g, undefined, { group: 2 }); // 2·6·8·8 outputs × 3
    const a = b.input('a', 'float32', [5, 7]);
    b.matmul(b.reshape(a, [1, 5, 7]), b.input('m', 'float32', [7, 3])); // 5·3 × 7
    b.gemm(a, b.input('n', 'float32', [2, 7]), undefined, { transB: true }); // 5·2 × 7
    expect(countMacs(b.graph)).toBe(2 * 6 * 64 * 36 + 2 * 6 * 64 * 3 + 15 * 7 + 10 * 7);
  });
});
