import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tfjsToOnnx } from '../../../src/main/face/tfjs/convert';
import { readTfjsGraphModel } from '../../../src/main/face/tfjs/graphModel';
import { OnnxBackend } from '../../../src/main/nn/backend';
import { loadReference } from './tfjsReference';

// A small TFJS graph model written here, using the Grappler-fused and other ops the shipped
// face models do not all exercise (FusedDepthwiseConv2dNative, LeakyRelu, BiasAdd, MatMul with
// transpose_b, _FusedMatMul with an activation), converted and compared with tfjs.

const b64 = (s: string) => Buffer.from(s).toString('base64');
const ints = (v: number[]) => ({ list: { i: v.map(String) } });
const strs = (v: string[]) => ({ list: { s: v.map(b64) } });
const float = { type: 'DT_FLOAT' };

/** Deterministic values in [−1, 1]. */
function values(n: number, seed: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 12.9898 + i * 78.233) * 0.9);
}

function writeModel(dir: string): string {
  const weights: { name: string; shape: number[]; dtype: string; data: Float32Array | Int32Array }[] = [
    { name: 'dw/filter', shape: [3, 3, 3, 2], dtype: 'float32', data: values(54, 1) },
    { name: 'dw/bias', shape: [6], dtype: 'float32', data: values(6, 2) },
    { name: 'ba/bias', shape: [6], dtype: 'float32', data: values(6, 3).map((v) => v * 3 - 1) },
    { name: 'mean/axes', shape: [2], dtype: 'int32', data: Int32Array.of(1, 2) },
    { name: 'mm/kernel', shape: [5, 6], dtype: 'float32', data: values(30, 4) },
    { name: 'fm/kernel', shape: [5, 4], dtype: 'float32', data: values(20, 5) },
    { name: 'fm/bias', shape: [4], dtype: 'float32', data: values(4, 6) },
  ];
  const constNode = (w: (typeof weights)[number]) => ({
    name: w.name,
    op: 'Const',
    attr: { value: { tensor: { dtype: w.dtype === 'int32' ? 'DT_INT32' : 'DT_FLOAT', tensorShape: { dim: w.shape.map((s) => ({ size: String(s) })) } } }, dtype: { type: w.dtype === 'int32' ? 'DT_INT32' : 'DT_FLOAT' } },
  });
  const nodes = [
    { name: 'x', op: 'Placeholder', attr: { dtype: float, shape: { shape: { dim: [{ size: '1' }, { size: '8' }, { size: '8' }, { size: '3' }] } } } },
    ...weights.map(constNode),
    {
      name: 'dw/Relu6', op: 'FusedDepthwiseConv2dNative', input: ['x', 'dw/filter', 'dw/bias'],
      attr: { T: float, fused_ops: strs(['BiasAdd', 'Relu6']), num_args: { i: '1' }, strides: ints([1, 2, 2, 1]), padding: { s: b64('SAME') }, data_format: { s: b64('NHWC') }, dilations: ints([1, 1, 1, 1]) },
    },
    // the bias makes some values negative so LeakyRelu's slope (0.1, not the default) matters
    { name: 'ba', op: 'BiasAdd', input: ['dw/Relu6', 'ba/bias'], attr: { T: float, data_format: { s: b64('NHWC') } } },
    { name: 'leaky', op: 'LeakyRelu', input: ['ba'], attr: { T: float, alpha: { f: 0.1 } } },
    { name: 'mean', op: 'Mean', input: ['leaky', 'mean/axes'], attr: { T: float, Tidx: { type: 'DT_INT32' }, keep_dims: { b: false } } },
    { name: 'mm', op: 'MatMul', input: ['mean', 'mm/kernel'], attr: { T: float, transpose_a: { b: false }, transpose_b: { b: true } } },
    {
      name: 'fm/LeakyRelu', op: '_FusedMatMul', input: ['mm', 'fm/kernel', 'fm/bias'],
      attr: { T: float, fused_ops: strs(['BiasAdd', 'LeakyRelu']), num_args: { i: '1' }, transpose_a: { b: false }, transpose_b: { b: false }, epsilon: { f: 0 }, leakyrelu_alpha: { f: 0.2 } },
    },
  ];
  const bytes = Buffer.concat(weights.map((w) => Buffer.from(w.data.buffer, w.data.byteOffset, w.data.byteLength)));
  writeFileSync(join(dir, 'group1-shard1of1.bin'), bytes);
  const json = {
    format: 'graph-model',
    generatedBy: 'test',
    convertedBy: 'test',
    modelTopology: { node: nodes, versions: { producer: 1 } },
    weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: weights.map(({ name, shape, dtype }) => ({ name, shape, dtype })) }],
  };
  const path = join(dir, 'model.json');
  writeFileSync(path, JSON.stringify(json));
  return path;
}

describe('TFJS → ONNX: fused depthwise, LeakyRelu, BiasAdd, MatMul, _FusedMatMul', () => {
  it('matches tfjs on the same input', async () => {
    const path = writeModel(mkdtempSync(join(tmpdir(), 'tfjs-fused-')));
    const model = readTfjsGraphModel(path);
    const { bytes, converted } = tfjsToOnnx(model);
    expect(converted.inputShape).toEqual([1, 3, 8, 8]);
    const nhwc = values(8 * 8 * 3, 7).map((v) => v * 3);
    const nchw = new Float32Array(nhwc.length);
    for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) for (let c = 0; c < 3; c++) nchw[(c * 8 + y) * 8 + x] = nhwc[(y * 8 + x) * 3 + c];
    const reference = (await loadReference(path))(nhwc, [1, 8, 8, 3]);
    const backend = new OnnxBackend({ providers: ['cpu'] });
    const session = await backend.load('test/fused-ops', () => bytes);
    const ours = await session.run({ [session.inputNames[0]]: { dtype: 'float32', shape: [1, 3, 8, 8], data: nchw } });
    const name = converted.outputs.get('fm/LeakyRelu')!;
    const got = ours[name].data as Float32Array;
    const want = reference['fm/LeakyRelu'];
    expect(ours[name].dims).toEqual(want.shape);
    expect(want.shape).toEqual([1, 4]);
    // both branches of the fused LeakyReLU are taken
    expect(want.data.some((v) => v < 0) && want.data.some((v) => v > 0)).toBe(true);
    console.log(`fused-ops model: tfjs ${Array.from(want.data, (v) => v.toFixed(5)).join(" ")}, onnx ${Array.from(got, (v) => v.toFixed(5)).join(" ")}`);
    for (let i = 0; i < want.data.length; i++) expect(Math.abs(got[i] - want.data[i])).toBeLessThan(1e-5 * Math.max(1, Math.abs(want.data[i])));
    await backend.disposeAll();
  });
});
