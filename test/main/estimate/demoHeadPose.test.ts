/**
 * The landmark fit recovers the demo head's pose from the face detector's landmarks, on renders
 * of the demo head whose codes are known (issue 22 item 2). With its landmarks as first drawn on
 * its features the detector disagreed with them so much that every fit came out about 22° face
 * down (on real photos too: heads tilted far back fitted at −8°); the shipped landmark layout
 * (src/main/flame/demoHeadLandmarks.ts) is where the detector marks them on the head's renders.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { codeLayout } from '../../../src/common/flame/codes';
import { loadFittingHead } from '../../../src/main/estimate/head';
import { PhotoEstimator } from '../../../src/main/estimate/pipeline';
import { loadImage } from '../../../src/main/face/image';
import { readNpz } from '../../../src/main/io/npy';
import { OnnxBackend } from '../../../src/main/nn/backend';
import { alignedPoseDegrees, degreesOf } from '../../helpers/alignedPose';
import { ensureBuilt } from '../cli/built';
import { runCli } from '../cli/run';

describe('landmark fitting of demo-head renders with known codes', () => {
  const root = mkdtempSync(join(tmpdir(), 'rig-demo-pose-'));
  const backend = new OnnxBackend({ providers: ['cpu'] });
  afterAll(async () => {
    await backend.disposeAll();
    rmSync(root, { recursive: true, force: true });
  });

  it('finds the head\'s pitch without the face-down bias, and lies near the detected landmarks', async () => {
    ensureBuilt();
    const out = join(root, 'renders');
    const made = await runCli(['demo', 'dataset', '--out', out, '--count', '12', '--size', '256', '--seed', '5'], join(root, 'data'));
    expect(made.code, made.stderr).toBe(0);
    const codes = readNpz(readFileSync(join(out, 'codes.npz')));
    const truePoses = codes.get('pose')!.data as Float32Array;
    const estimator = new PhotoEstimator(backend, { kind: 'fit', head: await loadFittingHead(null) });
    const [poseStart] = codeLayout.pose;
    const pitchErrors: number[] = [], rms: number[] = [];
    for (const [i, file] of readdirSync(join(out, 'images')).sort().entries()) {
      const estimate = await estimator.estimate(await loadImage(join(out, 'images', file)));
      const fitted = degreesOf(estimate.code.subarray(poseStart, poseStart + 3));
      const truth = alignedPoseDegrees(truePoses.subarray(i * 6, i * 6 + 3), estimate.alignTransform);
      pitchErrors.push(fitted[1] - truth[1]);
      rms.push(estimate.fit!.finalError);
    }
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    const summary = `pitch errors ${pitchErrors.map((e) => e.toFixed(1)).join(', ')}°; landmark RMS ${rms.map((e) => e.toFixed(1)).join(', ')} px`;
    console.info(summary);
    expect(pitchErrors.length).toBe(12);
    // As first drawn: a mean pitch error of +21.5°, RMS 5.9 px (bench/estimate/demoLandmarks.bench.ts).
    expect(Math.abs(mean(pitchErrors)), summary).toBeLessThan(6);
    expect(mean(rms), summary).toBeLessThan(5);
  }, 300_000);
});
