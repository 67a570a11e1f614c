/**
 * The demo head's landmark embedding against the face detector, on renders of the demo head
 * whose codes are known (`rig-studio demo dataset`, built CLI):
 * - pose error: the landmark fit's yaw, pitch and roll (R = Ry·Rx·Rz, degrees) against the
 *   render's, for the shipped embedding, on renders of seed 5 (mean signed and mean |error|);
 * - with BENCH_CALIBRATE=1, the calibration that placed the shipped layout
 *   (src/main/flame/demoHeadLandmarks.ts): for each static landmark the (azimuth, height), and
 *   for each contour point the shift, whose projection with the true codes lies nearest the
 *   detector's landmarks over the renders of seed 3 (a grid search, each landmark on its own);
 *   prints the layout as TypeScript and the pose error with it on seed 5 (held out).
 *
 *   npm run build && npx vitest run --config bench/estimate/vitest.config.ts bench/estimate/demoLandmarks.bench.ts
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { it } from 'vitest';
import { FlameEvaluator } from '../../src/common/flame/evaluate';
import { ndcToPixels } from '../../src/common/flame/geometry';
import type { FlameModel } from '../../src/common/flame/model';
import { eulerFromAxisAngle } from '../../src/common/flame/rotation';
import { fitLandmarks } from '../../src/main/estimate/fit/fit';
import { LandmarkModel } from '../../src/main/estimate/fit/landmarkModel';
import { loadFittingHead } from '../../src/main/estimate/head';
import { PhotoEstimator } from '../../src/main/estimate/pipeline';
import { loadImage } from '../../src/main/face/image';
import { buildDemoGeometry, head as demoHead } from '../../src/main/flame/demoHeadGeometry';
import { contourPositions, type DemoLandmarkLayout, demoLandmarkEmbedding, demoLandmarkLayout, embed } from '../../src/main/flame/demoHeadLandmarks';
import { landmarkEmbeddingFromArrays } from '../../src/main/flame/landmarkEmbedding';
import { readNpz } from '../../src/main/io/npy';
import { OnnxBackend } from '../../src/main/nn/backend';
import { alignedPoseDegrees } from '../../test/helpers/alignedPose';
import { sharedPath } from '../../test/helpers/shared';

const line = (text: string) => process.stdout.write(`${text}\n`);
const degrees = (radians: number) => (radians * 180) / Math.PI;
const count = Number(process.env.BENCH_RENDERS ?? 48);

interface Render {
  /** The head's vertices projected with the true codes, photo pixels. */
  pixels: Float64Array;
  /** The detector's 68 landmarks, photo pixels, and in the aligned image the fit uses. */
  detected: [number, number][];
  aligned: [number, number][];
  /** True yaw, pitch, roll in degrees. */
  pose: [number, number, number];
}

/** Renders `count` demo photos of `seed` (256 px) and detects their landmarks. */
async function renders(seed: number, estimator: PhotoEstimator, model: FlameModel): Promise<Render[]> {
  const dir = mkdtempSync(join(tmpdir(), 'rig-demo-landmarks-'));
  try {
    execFileSync(process.execPath, [resolve('out/main/cli.js'), 'demo', 'dataset', '--out', dir, '--count', String(count), '--size', '256', '--seed', String(seed)]);
    const codes = readNpz(readFileSync(join(dir, 'codes.npz')));
    const row = (key: string, width: number, i: number) => Array.from((codes.get(key)!.data as Float32Array).subarray(i * width, (i + 1) * width));
    const evaluator = new FlameEvaluator(model);
    const out: Render[] = [];
    for (const [i, file] of readdirSync(join(dir, 'images')).sort().entries()) {
      let estimate;
      try {
        estimate = await estimator.estimate(await loadImage(join(dir, 'images', file)));
      } catch {
        continue; // no face found: nothing to compare
      }
      const pose = row('pose', 6, i);
      const frame = evaluator.evaluate({ shape: row('shape', 100, i), expression: row('exp', 50, i), pose, camera: row('cam', 3, i) }, { shading: false, landmarks: false });
      // The fit works in the aligned image: the true pose as seen there.
      const truth = alignedPoseDegrees(pose, estimate.alignTransform);
      out.push({ pixels: ndcToPixels(frame.projected, 256).slice(), detected: estimate.landmarks, aligned: estimate.alignedLandmarks, pose: truth });
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The fit's pose error with the landmarks of `layout`: mean signed and mean absolute, degrees. */
function poseError(model: FlameModel, layout: DemoLandmarkLayout, set: Render[]): string {
  const g = buildDemoGeometry();
  const landmarks = landmarkEmbeddingFromArrays(demoLandmarkEmbedding(g, layout), model.faces.length / 3, 'layout');
  const fitting = new LandmarkModel({ ...model, landmarks });
  const signed = [0, 0, 0], absolute = [0, 0, 0];
  // Least-squares slope of the fitted angle on the true one (1 = no magnification).
  const fitted: number[][] = [[], [], []], truth: number[][] = [[], [], []];
  const slope = (f: number[], t: number[]) => {
    const mf = f.reduce((x, y) => x + y, 0) / f.length, mt = t.reduce((x, y) => x + y, 0) / t.length;
    let num = 0, den = 0;
    for (let i = 0; i < f.length; i++) { num += (f[i] - mf) * (t[i] - mt); den += (t[i] - mt) ** 2; }
    return num / den;
  };
  let rms = 0;
  for (const r of set) {
    const fit = fitLandmarks(fitting, r.aligned, { imageSize: 256 });
    const pose = eulerFromAxisAngle(fit.pose[0], fit.pose[1], fit.pose[2]).map(degrees);
    for (let k = 0; k < 3; k++) {
      signed[k] += (pose[k] - r.pose[k]) / set.length;
      absolute[k] += Math.abs(pose[k] - r.pose[k]) / set.length;
      fitted[k].push(pose[k]);
      truth[k].push(r.pose[k]);
    }
    rms += fit.finalError / set.length;
  }
  const names = ['yaw', 'pitch', 'roll'];
  return `${names.map((n, k) => `${n} ${signed[k].toFixed(1)}° (|·| ${absolute[k].toFixed(1)}°, slope ${slope(fitted[k], truth[k]).toFixed(2)})`).join(', ')}; fit RMS ${rms.toFixed(2)} px`;
}

/** Grid search for one landmark: the offsets (azimuth, height) nearest the detections. */
function place(set: Render[], model: FlameModel, k: number, at: (r: Render, da: number, dh: number) => [number, number], azimuthRange = 0.3, allowed: (height: number) => boolean = () => true): { da: number; dh: number; before: number; after: number } {
  const g = buildDemoGeometry();
  const cost = (da: number, dh: number) => {
    let sum = 0;
    for (const r of set) {
      const [a, h] = at(r, da, dh);
      const e = embed(g, a, h);
      let x = 0, y = 0;
      for (let c = 0; c < 3; c++) {
        const v = model.faces[e.face * 3 + c];
        x += e.bary[c] * r.pixels[v * 2];
        y += e.bary[c] * r.pixels[v * 2 + 1];
      }
      sum += (x - r.detected[k][0]) ** 2 + (y - r.detected[k][1]) ** 2;
    }
    return Math.sqrt(sum / set.length);
  };
  let best = { da: 0, dh: 0, before: cost(0, 0), after: cost(0, 0) };
  const steps = Math.round(azimuthRange / 0.01);
  for (let i = -steps; i <= steps; i++) for (let j = -50; j <= 50; j++) {
    if (!allowed(at(set[0], i * 0.01, j * 0.001)[1])) continue;
    const c = cost(i * 0.01, j * 0.001);
    if (c < best.after) best = { ...best, da: i * 0.01, dh: j * 0.001, after: c };
  }
  return best;
}

/** iBUG's left–right mirror (0-based): the landmark each one becomes in a mirrored face. */
const mirror = (() => {
  const pairs = [[0, 16], [1, 15], [2, 14], [3, 13], [4, 12], [5, 11], [6, 10], [7, 9], [17, 26], [18, 25], [19, 24], [20, 23], [21, 22], [31, 35], [32, 34], [36, 45], [37, 44], [38, 43], [39, 42], [40, 47], [41, 46], [48, 54], [49, 53], [50, 52], [55, 59], [56, 58], [60, 64], [61, 63], [65, 67]];
  const out = Array.from({ length: 68 }, (_, k) => k);
  for (const [a, b] of pairs) { out[a] = b; out[b] = a; }
  return out;
})();

/**
 * Lip landmarks stay on their lip: the lower lip's (iBUG 56–60, 66–68) below the mouth's slit,
 * where they move with the jaw, the upper lip's (50–54, 62–64) above it; the rest anywhere.
 */
function lipSide(k: number): (height: number) => boolean {
  const below = (k >= 55 && k <= 59) || (k >= 65 && k <= 67);
  const above = (k >= 49 && k <= 53) || (k >= 61 && k <= 63);
  return (height) => (below ? height < demoHead.mouthY - 5e-4 : above ? height > demoHead.mouthY + 5e-4 : true);
}

/** The demo head is symmetric: each landmark and its mirror image get the mean of their placements. */
function symmetric(layout: DemoLandmarkLayout): DemoLandmarkLayout {
  const at = (k: number) => (k < 17 ? layout.contourShift[k] : layout.static[k - 17]);
  const mean = (k: number): [number, number] => [(at(k)[0] - at(mirror[k])[0]) / 2, (at(k)[1] + at(mirror[k])[1]) / 2];
  return { contourShift: Array.from({ length: 17 }, (_, k) => mean(k)), static: Array.from({ length: 51 }, (_, k) => mean(17 + k)) };
}

it('the demo head\'s landmarks against the detector', async () => {
  const backend = new OnnxBackend({ providers: ['cpu'] });
  const head = await loadFittingHead(null);
  const estimator = new PhotoEstimator(backend, { kind: 'fit', head });
  const heldOut = await renders(5, estimator, head.model);
  line(`${heldOut.length} of ${count} renders of seed 5 with a face found`);
  line(`shipped layout: ${poseError(head.model, demoLandmarkLayout, heldOut)}`);
  if (process.env.BENCH_CALIBRATE === '1') {
    const set = await renders(3, estimator, head.model);
    const found: DemoLandmarkLayout = { static: [], contourShift: [] };
    const errors: { before: number; after: number }[] = [];
    for (let j = 0; j < 17; j++) {
      const yaw = (r: Render) => Math.max(-39, Math.min(39, Math.round(r.pose[0])));
      const shifted = (da: number, dh: number) => demoLandmarkLayout.contourShift.map(([a, h], i): [number, number] => (i === j ? [a + da, h + dh] : [a, h]));
      // The jaw line the detector draws can sit far from where the contour was first drawn.
      const p = place(set, head.model, j, (r, da, dh) => contourPositions(yaw(r), shifted(da, dh))[j], 0.8);
      found.contourShift.push([demoLandmarkLayout.contourShift[j][0] + p.da, demoLandmarkLayout.contourShift[j][1] + p.dh]);
      errors.push(p);
    }
    for (let k = 0; k < 51; k++) {
      const [a0, h0] = demoLandmarkLayout.static[k];
      const p = place(set, head.model, 17 + k, (_r, da, dh) => [a0 + da, h0 + dh], 0.3, lipSide(17 + k));
      found.static.push([a0 + p.da, h0 + p.dh]);
      errors.push(p);
    }
    const layout = symmetric(found);
    const text = [
      ...layout.contourShift.map(([a, h], j) => `    [${a.toFixed(3)}, ${h.toFixed(4)}], // ${j + 1}: ${errors[j].before.toFixed(1)} → ${errors[j].after.toFixed(1)} px`),
      ...layout.static.map(([a, h], k) => `    [${a.toFixed(3)}, ${h.toFixed(4)}], // ${18 + k}: ${errors[17 + k].before.toFixed(1)} → ${errors[17 + k].after.toFixed(1)} px`),
    ];
    line(`calibrated on ${set.length} renders of seed 3, made symmetric (contour shifts, then static positions; RMS px before → after, each side on its own):\n${text.join('\n')}`);
    line(`calibrated layout: ${poseError(head.model, layout, heldOut)}`);
    const staticOnly: DemoLandmarkLayout = { static: layout.static, contourShift: demoLandmarkLayout.contourShift };
    line(`calibrated static landmarks, shipped contour: ${poseError(head.model, staticOnly, heldOut)}`);
    // The real photos (no truth): the fitted head's yaw and pitch with either layout.
    const g = buildDemoGeometry();
    const fitting = (l: DemoLandmarkLayout) => new LandmarkModel({ ...head.model, landmarks: landmarkEmbeddingFromArrays(demoLandmarkEmbedding(g, l), head.model.faces.length / 3, 'layout') });
    const [shipped, calibrated, calibratedStatic] = [fitting(demoLandmarkLayout), fitting(layout), fitting(staticOnly)];
    line('real photo                       shipped yaw°  pitch°   calibrated yaw°  pitch°   static only yaw°  pitch°');
    for (const sub of ['examples', 'expressions']) {
      for (const file of readdirSync(sharedPath('faces', sub)).sort()) {
        const estimate = await estimator.estimate(await loadImage(join(sharedPath('faces', sub), file)));
        const angles = (m: LandmarkModel) => {
          const fit = fitLandmarks(m, estimate.alignedLandmarks, { imageSize: 256 });
          return eulerFromAxisAngle(fit.pose[0], fit.pose[1], fit.pose[2]).slice(0, 2).map((v) => degrees(v).toFixed(1).padStart(7)).join(' ');
        };
        line(`${`${sub}/${file}`.slice(0, 32).padEnd(33)}${angles(shipped)}        ${angles(calibrated)}        ${angles(calibratedStatic)}`);
      }
    }
  }
  await backend.disposeAll();
}, 1_800_000);
