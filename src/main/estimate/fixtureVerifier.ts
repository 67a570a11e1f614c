/**
 * `rig-studio verify-fixture DIR` for a DECA fixture (`deca_model.tar` + `io.npz` with the
 * 224² `image` and DECA's output `code`, optionally split as shape/tex/exp/pose/cam/light):
 * runs the checkpoint's E_flame on the image and reports the worst relative error per part.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ArrayCheck, FixtureVerifier } from '../core/verifier';
import { worstRelativeError } from '../core/verifier';
import { readNpz } from '../io/npy';
import type { ProviderName } from '../nn/backend';
import { OnnxBackend } from '../nn/backend';
import { CodeEstimator, loadDecaModel } from './deca';
import { codeLayout } from '../../common/flame/codes';

/** Network outputs in float32: about 1e-4 relative (fixtures/README.md). */
const tolerance = 1e-4;

export const decaFixtureVerifier: FixtureVerifier<{ provider?: ProviderName }> = {
  name: 'deca',
  recognises: (dir) => existsSync(join(dir, 'deca_model.tar')) && existsSync(join(dir, 'io.npz')),
  async verify(dir, options) {
    const npzPath = join(dir, 'io.npz');
    const io = readNpz(readFileSync(npzPath), npzPath);
    const image = io.get('image');
    const code = io.get('code');
    if (!image || !code) throw new Error(`${npzPath}: needs arrays 'image' and 'code' (has ${[...io.keys()].join(', ')})`);
    if (image.shape.join(',') !== '1,3,224,224') throw new Error(`${npzPath}: image has shape [${image.shape.join(',')}], expected [1,3,224,224]`);
    const backend = new OnnxBackend({ providers: [options.provider ?? 'cpu'] });
    try {
      const estimator = new CodeEstimator(backend, loadDecaModel(join(dir, 'deca_model.tar')));
      const ours = await estimator.estimate(Float32Array.from(image.data as Float32Array));
      const check = (name: string, mine: ArrayLike<number>, ref: ArrayLike<number>): ArrayCheck => {
        const worst = worstRelativeError(mine, ref);
        return { name, worstRelativeError: worst, tolerance, ok: worst <= tolerance };
      };
      const checks = [check('code', ours, Float32Array.from(code.data as Float32Array))];
      for (const [name, [offset, length]] of Object.entries(codeLayout)) {
        const part = io.get(name);
        if (part) checks.push(check(name, ours.subarray(offset, offset + length), Float32Array.from(part.data as Float32Array)));
      }
      return checks;
    } finally {
      await backend.disposeAll();
    }
  },
};
