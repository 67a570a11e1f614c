/**
 * Landmark fitting on the real photos in ../shared/faces with the shipped demo head: for each
 * photo the landmark error (RMS px in the aligned 256 image, before and after), the largest
 * |expression component|, the jaw rotation, and the head's yaw/pitch/roll in degrees
 * (R = Ry(yaw)·Rx(pitch)·Rz(roll); positive pitch turns the face down). Prints a table;
 * asserts nothing.
 *
 *   npx vitest run --config bench/estimate/vitest.config.ts bench/estimate/fitQuality.bench.ts
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'vitest';
import { OnnxBackend } from '../../src/main/nn/backend';
import { loadImage } from '../../src/main/face/image';
import { PhotoEstimator } from '../../src/main/estimate/pipeline';
import { loadFittingHead } from '../../src/main/estimate/head';
import { codeLayout } from '../../src/common/flame/codes';
import { eulerFromAxisAngle } from '../../src/common/flame/rotation';
import { sharedPath } from '../../test/helpers/shared';

const line = (text: string) => process.stdout.write(`${text}\n`);
const degrees = (radians: number) => (radians * 180) / Math.PI;

it('landmark fitting on real photos (demo head)', async () => {
  const backend = new OnnxBackend({ providers: ['cpu'] });
  const estimator = new PhotoEstimator(backend, { kind: 'fit', head: await loadFittingHead(null) });
  const [expStart, expLength] = codeLayout.exp;
  const [poseStart] = codeLayout.pose;
  line('photo                                          RMS px        max|exp|  jaw (rad)              yaw°   pitch°  roll°');
  let worstExpression = 0;
  let worstJaw = 0;
  let sumError = 0;
  let count = 0;
  for (const sub of ['examples', 'expressions']) {
    const dir = sharedPath('faces', sub);
    for (const file of readdirSync(dir).sort()) {
      const result = await estimator.estimate(await loadImage(join(dir, file)));
      const code = result.code;
      let maxExpression = 0;
      for (let i = expStart; i < expStart + expLength; i++) maxExpression = Math.max(maxExpression, Math.abs(code[i]));
      const jaw = Array.from(code.subarray(poseStart + 3, poseStart + 6));
      const [yaw, pitch, roll] = eulerFromAxisAngle(code[poseStart], code[poseStart + 1], code[poseStart + 2]);
      worstExpression = Math.max(worstExpression, maxExpression);
      worstJaw = Math.max(worstJaw, ...jaw.map(Math.abs));
      sumError += result.fit!.finalError;
      count++;
      const name = `${sub}/${file}`.slice(0, 45).padEnd(46);
      const rms = `${result.fit!.initialError.toFixed(1)} → ${result.fit!.finalError.toFixed(2)}`.padEnd(14);
      const jawText = jaw.map((v) => v.toFixed(3).padStart(6)).join(' ');
      line(`${name} ${rms} ${maxExpression.toFixed(2).padStart(8)}  ${jawText}   ${[yaw, pitch, roll].map((v) => degrees(v).toFixed(1).padStart(6)).join(' ')}`);
    }
  }
  line(`${count} photos: mean final RMS ${(sumError / count).toFixed(2)} px, largest |expression| ${worstExpression.toFixed(2)}, largest |jaw| ${worstJaw.toFixed(3)} rad`);
  await backend.disposeAll();
});
