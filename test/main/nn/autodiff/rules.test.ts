import { afterAll, describe, expect, it } from 'vitest';
import type { GraphBuilder } from '../../../../src/main/nn/builder';
import type { DType, Value } from '../../../../src/main/nn/ir';
import { gradientRules } from '../../../../src/main/nn/autodiff';
import { gradCheck, type CheckInput } from './gradcheck';

interface Case {
  /** Rule(s) the case exercises. */
  ops: string[];
  name: string;
  inputs: CheckInput[];
  body: (b: GraphBuilder, xs: Value[], dtype: DType) => Value;
  forceFloat32?: boolean;
}

const positive = (_: number, rnd: () => number) => 0.5 + rnd();

const cases: Case[] = [
  { ops: ['Add'], name: 'Add with broadcasting both ways', inputs: [{ shape: [2, 3, 4] }, { shape: [3, 1] }], body: (b, [x, y]) => b.add(x, y) },
  { ops: ['Sub'], name: 'Sub with a broadcast scalar-like operand', inputs: [{ shape: [1, 4] }, { shape: [3, 1] }], body: (b, [x, y]) => b.sub(x, y) },
  { ops: ['Mul'], name: 'Mul with broadcasting', inputs: [{ shape: [2, 3, 4] }, { shape: [4] }], body: (b, [x, y]) => b.mul(x, y) },
  { ops: ['Div'], name: 'Div with broadcasting', inputs: [{ shape: [2, 3] }, { shape: [2, 1], values: positive }], body: (b, [x, y]) => b.div(x, y) },
  { ops: ['Pow'], name: 'Pow of a positive base', inputs: [{ shape: [3, 4], values: positive }, { shape: [4] }], body: (b, [x, y]) => b.pow(x, y) },
  {
    ops: ['Max'],
    name: 'Max away from ties',
    inputs: [{ shape: [3, 4], values: (i) => (i % 2 ? 1 : -1) * (1 + i * 0.1) }, { shape: [3, 4], values: (i) => 0.3 * Math.sin(i) }],
    body: (b, [x, y]) => b.max(x, y),
  },
  {
    ops: ['Min'],
    name: 'Min away from ties',
    inputs: [{ shape: [3, 4], values: (i) => (i % 2 ? 1 : -1) * (1 + i * 0.1) }, { shape: [4], values: (i) => 0.3 * Math.sin(i) }],
    body: (b, [x, y]) => b.min(x, y),
  },
  {
    ops: ['Where'],
    name: 'Where with a broadcast branch',
    inputs: [{ shape: [3, 4] }, { shape: [4] }],
    body: (b, [x, y]) => b.where(b.greater(x, b.scalar(0, x.dtype)), x, y),
  },
  { ops: ['Neg', 'Identity'], name: 'Neg and Identity', inputs: [{ shape: [5] }], body: (b, [x]) => b.identity(b.neg(x)) },
  {
    ops: ['Cast'],
    name: 'Cast float32 → float64 → float32 (exact round trip)',
    inputs: [{ shape: [6] }],
    forceFloat32: true,
    body: (b, [x]) => b.mul(b.cast(b.mul(b.cast(x, 'float64'), b.scalar(3, 'float64')), 'float32'), x),
  },
  { ops: ['Abs'], name: 'Abs', inputs: [{ shape: [7] }], body: (b, [x]) => b.abs(x) },
  { ops: ['Exp'], name: 'Exp', inputs: [{ shape: [7] }], body: (b, [x]) => b.exp(x) },
  { ops: ['Log'], name: 'Log', inputs: [{ shape: [7], values: positive }], body: (b, [x]) => b.log(x) },
  { ops: ['Sqrt'], name: 'Sqrt', inputs: [{ shape: [7], values: positive }], body: (b, [x]) => b.sqrt(x) },
  { ops: ['Reciprocal'], name: 'Reciprocal', inputs: [{ shape: [7], values: positive }], body: (b, [x]) => b.reciprocal(x) },
  { ops: ['Sigmoid'], name: 'Sigmoid', inputs: [{ shape: [7] }], body: (b, [x]) => b.sigmoid(x) },
  { ops: ['Tanh'], name: 'Tanh', inputs: [{ shape: [7] }], body: (b, [x]) => b.tanh(x) },
  { ops: ['Relu'], name: 'Relu', inputs: [{ shape: [7] }], body: (b, [x]) => b.relu(x) },
  { ops: ['Sin', 'Cos'], name: 'Sin and Cos', inputs: [{ shape: [7] }], body: (b, [x]) => b.add(b.sin(x), b.cos(b.mul(x, x))) },
  { ops: ['Clip'], name: 'Clip with both bounds', inputs: [{ shape: [9] }], body: (b, [x]) => b.clip(x, -0.7, 0.9) },
  { ops: ['MatMul'], name: 'MatMul batched × shared matrix', inputs: [{ shape: [2, 3, 4] }, { shape: [4, 5] }], body: (b, [x, y]) => b.matmul(x, y) },
  { ops: ['MatMul'], name: 'MatMul with broadcast batch axes', inputs: [{ shape: [2, 1, 3, 4] }, { shape: [3, 4, 2] }], body: (b, [x, y]) => b.matmul(x, y) },
  { ops: ['Gemm'], name: 'Gemm transB with broadcast bias (nn.Linear)', inputs: [{ shape: [3, 4] }, { shape: [5, 4] }, { shape: [5] }], body: (b, [x, w, c]) => b.gemm(x, w, c, { transB: true }) },
  {
    ops: ['Gemm'],
    name: 'Gemm transA with alpha, beta',
    inputs: [{ shape: [4, 3] }, { shape: [4, 5] }, { shape: [3, 1] }],
    body: (b, [x, w, c]) => b.gemm(x, w, c, { transA: true, alpha: 0.7, beta: 1.3 }),
  },
  { ops: ['Gemm'], name: 'Gemm transA and transB', inputs: [{ shape: [4, 3] }, { shape: [5, 4] }], body: (b, [x, w]) => b.gemm(x, w, undefined, { transA: true, transB: true }) },
  { ops: ['ReduceSum'], name: 'ReduceSum without keepdims', inputs: [{ shape: [2, 3, 4] }], body: (b, [x]) => b.mul(b.reshape(b.reduceSum(x, [0, 2], false), [3, 1]), b.reduceSum(x, [0, 1], false)) },
  { ops: ['ReduceMean'], name: 'ReduceMean keepdims, negative axis', inputs: [{ shape: [2, 3, 4] }], body: (b, [x]) => b.mul(b.reduceMean(x, [-1], true), x) },
  {
    ops: ['InstanceNormalization'],
    name: 'InstanceNormalization with a learned scale and bias, 2 spatial axes',
    inputs: [{ shape: [2, 3, 4, 5] }, { shape: [3] }, { shape: [3] }],
    body: (b, [x, s, c]) => b.instanceNormalization(x, s, c, 1e-3),
  },
  {
    ops: ['InstanceNormalization'],
    name: 'InstanceNormalization with constant unit scale and zero bias (GroupNorm over [N, G, C/G·H·W])',
    inputs: [{ shape: [2, 4, 6] }],
    body: (b, [x], dtype) => {
      const ones = dtype === 'float64' ? new Float64Array(4).fill(1) : new Float32Array(4).fill(1);
      return b.instanceNormalization(x, b.constant(ones, [4], dtype), b.constant(ones.map(() => 0), [4], dtype));
    },
  },
  { ops: ['Softmax'], name: 'Softmax on the last axis', inputs: [{ shape: [2, 3, 5] }], body: (b, [x]) => b.softmax(x, -1) },
  { ops: ['Softmax'], name: 'Softmax on axis 1', inputs: [{ shape: [2, 3, 5] }], body: (b, [x]) => b.softmax(x, 1) },
  { ops: ['Reshape', 'Unsqueeze', 'Squeeze'], name: 'Reshape, Unsqueeze, Squeeze', inputs: [{ shape: [2, 6] }], body: (b, [x]) => b.squeeze(b.unsqueeze(b.reshape(x, [3, 4]), [0]), [0]) },
  { ops: ['Transpose'], name: 'Transpose', inputs: [{ shape: [2, 3, 4] }], body: (b, [x]) => b.transpose(x, [2, 0, 1]) },
  { ops: ['Expand'], name: 'Expand', inputs: [{ shape: [3, 1] }], body: (b, [x]) => b.expand(x, [2, 3, 4]) },
  { ops: ['Concat'], name: 'Concat along axis 1', inputs: [{ shape: [2, 2, 3] }, { shape: [2, 4, 3] }], body: (b, [x, y]) => b.concat([x, y], 1) },
  {
    ops: ['Split'],
    name: 'Split with an unused output',
    inputs: [{ shape: [2, 6] }],
    body: (b, [x]) => {
      const [p, , r] = b.split(x, [1, 2, 3], 1);
      return b.mul(b.reduceSum(p, [1], true), r);
    },
  },
  { ops: ['Slice'], name: 'Slice with negative start', inputs: [{ shape: [4, 6] }], body: (b, [x]) => b.slice(x, [1, -4], [3, 5], [0, 1]) },
  { ops: ['Pad'], name: 'Pad (constant)', inputs: [{ shape: [2, 3] }], body: (b, [x]) => b.mul(b.pad(x, [1, 0, 0, 2]), b.pad(x, [1, 0, 0, 2])) },
  {
    ops: ['Resize'],
    name: 'Resize nearest 2x (PyTorch interpolate)',
    inputs: [{ shape: [1, 2, 3, 3] }],
    body: (b, [x]) => b.resize(x, [1, 1, 2, 2], { mode: 'nearest', coordinateTransformationMode: 'asymmetric', nearestMode: 'floor' }),
  },
  { ops: ['AveragePool'], name: 'AveragePool 2x2 stride 2', inputs: [{ shape: [2, 2, 4, 6] }], body: (b, [x]) => b.averagePool(x, { kernel: [2, 2], strides: [2, 2] }) },
  {
    ops: ['MaxPool'],
    name: 'MaxPool 3x3 stride 2 pad 1 (ResNet stem; overlapping windows, odd size)',
    inputs: [{ shape: [2, 2, 7, 6] }],
    body: (b, [x]) => b.maxPool(x, { kernel: [3, 3], strides: [2, 2], pads: 1 }),
  },
  { ops: ['MaxPool'], name: 'MaxPool 2x2 stride 2, no padding', inputs: [{ shape: [1, 3, 4, 6] }], body: (b, [x]) => b.maxPool(x, { kernel: [2, 2], strides: [2, 2] }) },
  { ops: ['GlobalAveragePool'], name: 'GlobalAveragePool', inputs: [{ shape: [2, 3, 4, 5] }], body: (b, [x]) => b.globalAveragePool(x) },
  {
    ops: ['Conv'],
    name: 'Conv 3x3 stride 1 pad 1 with bias',
    inputs: [{ shape: [2, 3, 5, 6] }, { shape: [4, 3, 3, 3] }, { shape: [4] }],
    body: (b, [x, w, c]) => b.conv(x, w, c, { pads: 1 }),
  },
  {
    ops: ['Conv'],
    name: 'Conv 3x3 stride 2 pad 1, even size (output_padding 1)',
    inputs: [{ shape: [1, 2, 6, 6] }, { shape: [3, 2, 3, 3] }],
    body: (b, [x, w]) => b.conv(x, w, undefined, { pads: 1, strides: [2, 2] }),
  },
  {
    ops: ['Conv'],
    name: 'Conv 3x3 stride 2 pad 0, odd/even sizes (weight-gradient crop)',
    inputs: [{ shape: [1, 2, 7, 6] }, { shape: [3, 2, 3, 3] }, { shape: [3] }],
    body: (b, [x, w, c]) => b.conv(x, w, c, { strides: [2, 2] }),
  },
  {
    ops: ['Conv'],
    name: 'Conv 3x3 dilation 2 pad 2',
    inputs: [{ shape: [1, 2, 6, 5] }, { shape: [2, 2, 3, 3] }],
    body: (b, [x, w]) => b.conv(x, w, undefined, { pads: 2, dilations: [2, 2] }),
  },
  { ops: ['Conv'], name: 'Conv 1x1', inputs: [{ shape: [2, 3, 4, 4] }, { shape: [5, 3, 1, 1] }, { shape: [5] }], body: (b, [x, w, c]) => b.conv(x, w, c) },
  { ops: ['Conv'], name: 'Conv1d kernel 1 (attention qkv)', inputs: [{ shape: [2, 4, 6] }, { shape: [6, 4, 1] }, { shape: [6] }], body: (b, [x, w, c]) => b.conv(x, w, c) },
  { ops: ['Conv'], name: 'Conv 7x7 stride 2 pad 3 (ResNet stem)', inputs: [{ shape: [1, 1, 9, 9] }, { shape: [2, 1, 7, 7] }], body: (b, [x, w]) => b.conv(x, w, undefined, { pads: 3, strides: [2, 2] }) },
];

const usedDtypes: string[] = [];

describe('gradient rules against central finite differences', () => {
  afterAll(() => {
    if (process.env.GRADCHECK_REPORT) console.log(usedDtypes.join('\n'));
  });

  for (const c of cases) {
    it(`${c.name}`, async () => {
      const result = await gradCheck(c.inputs, c.body, { forceFloat32: c.forceFloat32 });
      usedDtypes.push(`${result.dtype} ${result.worstRelativeError.toExponential(1)} ${c.name}`);
      expect(result.worstRelativeError, `${c.name} (${result.dtype})`).toBeLessThan(result.tolerance);
    });
  }

  it('covers every registered rule', () => {
    const covered = new Set(cases.flatMap((c) => c.ops));
    expect(gradientRules.ops().filter((op) => !covered.has(op))).toEqual([]);
  });
});
