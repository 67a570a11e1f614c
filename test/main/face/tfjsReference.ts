/**
 * Runs a TFJS graph model with the reference runtime (tfjs-core + tfjs-converter on the pure-JS
 * CPU backend; dev dependencies only) so tests can compare the converted ONNX with it.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { loadGraphModel } from '@tensorflow/tfjs-converter';

/** Loads model.json + shards with tfjs and returns a function running one NHWC input. */
export async function loadReference(jsonPath: string): Promise<(nhwc: Float32Array, shape: number[]) => Record<string, { shape: number[]; data: Float32Array }>> {
  await tf.setBackend('cpu');
  const json = JSON.parse(readFileSync(jsonPath, 'utf8'));
  const weightSpecs = json.weightsManifest.flatMap((g: { weights: unknown[] }) => g.weights);
  const parts = json.weightsManifest.flatMap((g: { paths: string[] }) => g.paths.map((p) => readFileSync(join(dirname(jsonPath), p))));
  const all = Buffer.concat(parts);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.length);
  const model = await loadGraphModel({
    load: async () => ({ modelTopology: json.modelTopology, weightSpecs, weightData, format: json.format, generatedBy: json.generatedBy, convertedBy: json.convertedBy, signature: json.signature }),
  });
  return (nhwc, shape) => {
    const input = tf.tensor(nhwc, shape, 'float32');
    const names = model.outputNodes.map((n) => String(json.signature?.outputs?.[n]?.name ?? n).split(':')[0]);
    const raw = model.execute(input, model.outputNodes);
    const outs = Array.isArray(raw) ? raw : [raw];
    const result: Record<string, { shape: number[]; data: Float32Array }> = {};
    outs.forEach((t, i) => {
      result[names[i]] = { shape: t.shape, data: t.dataSync() as Float32Array };
      t.dispose();
    });
    input.dispose();
    return result;
  };
}
