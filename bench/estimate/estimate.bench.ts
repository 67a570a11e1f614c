/**
 * Estimation speed: photos per second through detection + 68 landmarks + FFHQ alignment +
 * emotion + estimation (DECA's encoder on the fixture checkpoint, and landmark fitting with the
 * shipped demo head), on the photos in ../shared/faces. References measured in the same run:
 * - the face models (BlazeFace + face mesh) run by tfjs on its pure-JS CPU backend, the runtime
 *   the npm package was made for, on the same inputs as our ONNX Runtime sessions;
 * - landmark fitting evaluated on the full FLAME mesh instead of the reduced landmark model.
 * Prints; asserts nothing.
 *
 *   npx vitest run --config bench/estimate/vitest.config.ts
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'vitest';
import { OnnxBackend } from '../../src/main/nn/backend';
import { loadImage, type RgbImage } from '../../src/main/face/image';
import { faceModels, humanPackage, loadFaceModel } from '../../src/main/face/models';
import { loadDecaModel } from '../../src/main/estimate/deca';
import { PhotoEstimator } from '../../src/main/estimate/pipeline';
import { loadFittingHead } from '../../src/main/estimate/head';
import { LandmarkModel } from '../../src/main/estimate/fit/landmarkModel';
import { FlameSkinner } from '../../src/common/flame/skinning';
import { dynamicLandmarks } from '../../src/common/flame/landmarks';
import { sharedPath } from '../../test/helpers/shared';
import { loadReference } from '../../test/main/face/tfjsReference';

const line = (text: string) => process.stdout.write(`${text}\n`);

async function photos(): Promise<{ name: string; image: RgbImage }[]> {
  const out: { name: string; image: RgbImage }[] = [];
  for (const sub of ['examples', 'expressions']) {
    const dir = sharedPath('faces', sub);
    for (const f of readdirSync(dir).sort()) out.push({ name: `${sub}/${f}`, image: await loadImage(join(dir, f)) });
  }
  return out;
}

async function time<T>(run: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const value = await run();
  return [value, performance.now() - t0];
}

it('estimation throughput', async () => {
  const images = await photos();
  const backend = new OnnxBackend({ providers: ['cpu'] });
  line(`photos: ${images.length} from ../shared/faces (one 2444×1718, the rest ≤ 450 px)`);

  // 1. face models: ONNX Runtime (ours) vs tfjs-cpu on identical inputs, 10 runs each
  const { modelsDir } = humanPackage();
  for (const spec of [faceModels.blazeface, faceModels.facemesh]) {
    const session = await loadFaceModel(backend, spec);
    const reference = await loadReference(join(modelsDir, spec.file));
    const [, c, h, w] = spec.inputShape;
    const nchw = Float32Array.from({ length: c * h * w }, (_, i) => Math.sin(i) * 0.5);
    const nhwc = new Float32Array(nchw.length);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let k = 0; k < c; k++) nhwc[(y * w + x) * c + k] = nchw[(k * h + y) * w + x];
    await session.run({ [session.inputNames[0]]: { dtype: 'float32', shape: spec.inputShape, data: nchw } });
    reference(nhwc, [1, h, w, c]);
    const runs = 10;
    const [, ours] = await time(async () => {
      for (let i = 0; i < runs; i++) await session.run({ [session.inputNames[0]]: { dtype: 'float32', shape: spec.inputShape, data: nchw } });
    });
    const [, theirs] = await time(async () => {
      for (let i = 0; i < runs; i++) reference(nhwc, [1, h, w, c]);
    });
    line(`${spec.id.padEnd(10)} ONNX Runtime ${(ours / runs).toFixed(1)} ms/run, tfjs-cpu reference ${(theirs / runs).toFixed(1)} ms/run → ${(theirs / ours).toFixed(1)}× faster`);
  }

  // 2. whole pipeline per estimator (first photo once untimed to load models)
  const estimators = [
    { label: 'DECA (deca-a checkpoint)', estimator: new PhotoEstimator(backend, { kind: 'deca', model: loadDecaModel(sharedPath('fixtures', 'deca-a', 'deca_model.tar')) }) },
    { label: 'landmark fitting (demo head)', estimator: new PhotoEstimator(backend, { kind: 'fit', head: await loadFittingHead(null) }) },
  ];
  for (const { label, estimator } of estimators) {
    await estimator.estimate(images[0].image);
    let fitMs = 0;
    const [, total] = await time(async () => {
      for (const { image } of images) {
        const r = await estimator.estimate(image);
        fitMs += r.fit?.milliseconds ?? 0;
      }
    });
    const detectOnly = await time(async () => {
      for (const { image } of images) await estimator.analyser.analyse(image);
    });
    line(`${label}: ${(images.length / (total / 1000)).toFixed(2)} photos/s (${(total / images.length).toFixed(0)} ms/photo; detect+landmarks+align+emotion alone ${(detectOnly[1] / images.length).toFixed(0)} ms/photo${fitMs ? `, fitting ${(fitMs / images.length).toFixed(0)} ms/photo` : ''})`);
  }

  // 3. landmark model: reduced vs full-mesh evaluation (what each fitting step costs)
  const head = await loadFittingHead(null);
  const reduced = new LandmarkModel(head.model);
  const full = new FlameSkinner(head.model);
  const params = { shape: new Float64Array(100), expression: new Float64Array(50), pose: Float64Array.of(0.1, 0.2, 0, 0.1, 0, 0), cam: Float64Array.of(9, 0, 0) };
  const evals = 300;
  const [, fast] = await time(async () => {
    for (let i = 0; i < evals; i++) {
      params.shape[i % 100] += 1e-3;
      reduced.project(params, 256);
    }
  });
  const [, slow] = await time(async () => {
    for (let i = 0; i < evals; i++) {
      params.shape[i % 100] += 1e-3;
      const v = full.skin({ shape: params.shape, expression: params.expression, pose: params.pose });
      dynamicLandmarks(v, head.model.faces, head.model.landmarks!, full.pose, head.model.parents);
    }
  });
  line(`landmark evaluations: reduced model ${(evals / (fast / 1000)).toFixed(0)}/s, full mesh reference ${(evals / (slow / 1000)).toFixed(0)}/s → ${(slow / fast).toFixed(1)}× faster (${reduced.reduced.vertexCount} of ${head.model.vertexCount} vertices)`);
  await backend.disposeAll();
});
