import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import sharp from 'sharp';
import { OnnxBackend } from '../../../src/main/nn/backend';
import { faceModelOnnx, faceModels, humanPackage } from '../../../src/main/face/models';
import { readTfjsGraphModel } from '../../../src/main/face/tfjs/graphModel';
import { opInventory } from '../../../src/main/face/tfjs/convert';
import { sharedPath } from '../../helpers/shared';
import { loadReference } from './tfjsReference';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';

/** A real face photo as NHWC floats, resized to size×size, `channels` 3 or 1 (grey). */
async function photoInput(size: number, channels: 1 | 3, scale: number, offset: number): Promise<Float32Array> {
  const img = sharp(sharedPath('faces', 'expressions', '2.jpg')).resize(size, size, { fit: 'fill' });
  const { data } = await (channels === 1 ? img.greyscale() : img.removeAlpha()).raw().toBuffer({ resolveWithObject: true });
  return Float32Array.from(data, (v) => v * scale + offset);
}

function nhwcToNchw(x: Float32Array, h: number, w: number, c: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let y = 0; y < h; y++) for (let i = 0; i < w; i++) for (let k = 0; k < c; k++) out[(k * h + y) * w + i] = x[(y * w + i) * c + k];
  return out;
}

const cases = [
  { spec: faceModels.blazeface, scale: 1 / 127.5, offset: -1 },
  { spec: faceModels.facemesh, scale: 1 / 255, offset: 0 },
  { spec: faceModels.emotion, scale: 2 / 255, offset: -1 },
  { spec: faceModels.faceres, scale: 1, offset: 0 },
];

describe('TFJS → ONNX conversion of the face models', () => {
  const backend = new OnnxBackend({ providers: ['cpu'] });
  const cache = mkdtempSync(join(tmpdir(), 'face-models-'));

  it('lists the op inventory of each model and supports every op', () => {
    const { modelsDir } = humanPackage();
    const ops = Object.fromEntries(cases.map(({ spec }) => [spec.id, [...opInventory(readTfjsGraphModel(join(modelsDir, spec.file))).keys()].sort()]));
    expect(ops.blazeface).toEqual(['AddV2', 'Const', 'DepthwiseConv2dNative', 'Identity', 'MaxPool', 'Pad', 'Placeholder', 'Relu', 'Reshape', '_FusedConv2D']);
    expect(ops.facemesh).toContain('Prelu');
    expect(ops.emotion).toContain('Softmax');
    expect(ops.faceres).toContain('_FusedMatMul');
  });

  for (const { spec, scale, offset } of cases) {
    it(`${spec.id}: ONNX Runtime output matches tfjs on a photo`, async () => {
      const [, c, h, w] = spec.inputShape;
      const nhwc = await photoInput(h, c as 1 | 3, scale, offset);
      const reference = (await loadReference(join(humanPackage().modelsDir, spec.file)))(nhwc, [1, h, w, c]);
      const session = await backend.load(`test/${spec.id}`, () => faceModelOnnx(spec, cache));
      const ours = await session.run({ [session.inputNames[0]]: { dtype: 'float32', shape: spec.inputShape, data: nhwcToNchw(nhwc, h, w, c) } });
      for (const name of Object.values(spec.outputs)) {
        const ref = reference[name];
        const got = ours[name];
        expect(got.dims).toEqual(ref.shape);
        const data = got.data as Float32Array;
        let maxDiff = 0;
        let maxRef = 0;
        for (let i = 0; i < ref.data.length; i++) {
          maxDiff = Math.max(maxDiff, Math.abs(data[i] - ref.data[i]));
          maxRef = Math.max(maxRef, Math.abs(ref.data[i]));
        }
        console.log(`${spec.id}/${name}: max |onnx − tfjs| = ${maxDiff.toExponential(2)} (max |tfjs| ${maxRef.toExponential(2)})`);
        expect(maxDiff).toBeLessThanOrEqual(1e-4 * Math.max(1, maxRef));
      }
    });
  }
});
