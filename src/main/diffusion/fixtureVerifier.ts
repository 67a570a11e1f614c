/**
 * `verify-fixture` for a DiffusionRig fixture directory (a checkpoint + io.npz, laid out like
 * fixtures/diffusionrig-a): recomputes the encoder latent, one UNet pass and the DDIM loops
 * (ddim10, η = 0, with and without clipping, and the inversion) and compares them with the
 * reference arrays. No config.json is read: the architecture is inferred from the checkpoint
 * (with the overrides the weights cannot tell) and the image size from io.npz. Any provider
 * can run it; precision float16 compares with the separately stated float16 tolerances.
 *
 * A DiffusionRig-EMO v2 checkpoint (fixtures/diffusionrig-emo-v2-a) conditions on io.npz's
 * `shape` and `identity` too; where io.npz holds `dpm_solver_<N>` samples (from `dpm_xT`),
 * DPM-Solver++ of N steps is compared with each.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCheckpoint } from '../checkpoint';
import type { ArrayCheck, FixtureVerifier } from '../core/verifier';
import { worstRelativeError } from '../core/verifier';
import type { NdArray } from '../io/ndarray';
import { readNpz } from '../io/npy';
import { loadDiffusionRig } from '../models/diffusionrig';
import type { ArchitectureOverrides } from '../models/infer';
import type { ProviderName } from '../nn/backend';
import { OnnxBackend } from '../nn/backend';
import { DiffusionRigRunner } from './runner';
import type { Conditioning } from './runner';

const checkpointPattern = /\.(pt|pth|ckpt|tar|safetensors)$/i;

/** The checkpoint file of a fixture directory (model*.pt preferred). */
export function findCheckpoint(dir: string): string | undefined {
  const files = readdirSync(dir).filter((f) => checkpointPattern.test(f)).sort();
  return files.find((f) => f.startsWith('model')) ?? files[0];
}

/** Tolerance on max|ours − ref| / max|ref| (upstream float32 supports about 1e-4). */
export const fixtureTolerance = 1e-4;

/**
 * Tolerances of a float16 run (GroupNorm statistics, softmax and the timestep embedding in
 * float32, the rest in half precision), per reference array. Measured on webgpu with the
 * 64-px fixture (README, "Agreement with upstream"); the bounds leave about 3× headroom.
 */
export const float16Tolerances: Readonly<Record<string, number>> = Object.freeze({
  // measured: latent 4.8e-3, eps 1.1e-2, ddim_sample 8.1e-2 (the clamp at ±1 flips where x̂0
  // sits near it), ddim_sample_noclip 6.6e-4, ddim_inverted 1.3e-2
  latent: 1.5e-2,
  eps: 3e-2,
  ddim_sample: 0.25,
  ddim_sample_noclip: 2e-3,
  ddim_inverted: 4e-2,
  // DPM-Solver++ was not measured in float16: the DDIM sample's bound (the same final clamp)
  dpm_solver: 0.25,
});

/** The DPM-Solver++ references of an io.npz: `dpm_solver_<steps>` arrays, fewest steps first. */
export function dpmSolverReferences(arrays: ReadonlyMap<string, NdArray>): { name: string; steps: number }[] {
  return [...arrays.keys()]
    .flatMap((name) => {
      const m = /^dpm_solver_(\d+)$/.exec(name);
      return m ? [{ name, steps: Number(m[1]) }] : [];
    })
    .sort((a, b) => a.steps - b.steps);
}

function floats(arrays: Map<string, NdArray>, name: string, file: string): Float32Array {
  const array = arrays.get(name);
  if (!array) throw new Error(`${file}: missing array '${name}'`);
  const data = array.data;
  if (data instanceof Float32Array) return data;
  if (data instanceof Float64Array || data instanceof BigInt64Array || data instanceof Int32Array) return Float32Array.from(data as ArrayLike<number>, Number);
  throw new Error(`${file}: array '${name}' is not numeric`);
}

/** Runs every DiffusionRig fixture comparison; returns one check per reference array. */
export async function verifyDiffusionRigFixture(
  dir: string,
  options: { backend?: OnnxBackend; tolerance?: number; provider?: ProviderName; precision?: 'float32' | 'float16'; overrides?: ArchitectureOverrides } = {},
): Promise<ArrayCheck[]> {
  const name = findCheckpoint(dir);
  if (!name) throw new Error(`${dir}: no checkpoint (*.pt, *.ckpt, *.tar, *.safetensors) found`);
  const ioFile = join(dir, 'io.npz');
  const arrays = readNpz(readFileSync(ioFile), ioFile);
  const checkpoint = readCheckpoint(join(dir, name));
  const weights = loadDiffusionRig(checkpoint.stateDict, checkpoint.path, options.overrides);
  const x0Array = arrays.get('x0');
  if (!x0Array || x0Array.shape.length !== 4) throw new Error(`${ioFile}: missing x0 [N,3,S,S]`);
  const [batch, , imageSize] = x0Array.shape;
  // the reference ran in float32: compare on the CPU provider unless a provider or backend is given
  const backend = options.backend ?? new OnnxBackend({ providers: [options.provider ?? 'cpu'] });
  const precision = options.precision ?? 'float32';
  const runner = new DiffusionRigRunner(weights, backend, `fixture:${checkpoint.path}`, { precision });
  const checks: ArrayCheck[] = [];
  const check = (reference: string, ours: Float32Array) => {
    const tolerance = options.tolerance ?? (precision === 'float16' ? float16Tolerances[reference.startsWith('dpm_solver_') ? 'dpm_solver' : reference] : fixtureTolerance);
    const worst = worstRelativeError(ours, floats(arrays, reference, ioFile));
    checks.push({ name: reference, worstRelativeError: worst, tolerance, ok: worst <= tolerance });
  };
  try {
    const x0 = floats(arrays, 'x0', ioFile);
    const latent = await runner.encode(x0, batch, imageSize);
    check('latent', latent);
    const conditioning: Conditioning = { batch, imageSize, physical: floats(arrays, 'physic_cond', ioFile), latent };
    if (weights.config.unet.faceCondition) {
      conditioning.shape = floats(arrays, 'shape', ioFile);
      conditioning.identity = floats(arrays, 'identity', ioFile);
    }
    const timesteps = floats(arrays, 't', ioFile);
    check('eps', await runner.predictNoise(floats(arrays, 'x_t', ioFile), timesteps, conditioning));
    const settings = { steps: 1000, schedule: 'linear' as const, respacing: 'ddim10' };
    const noise = floats(arrays, 'ddim_xT', ioFile);
    check('ddim_sample', await runner.sample(noise, conditioning, settings, { eta: 0, clipDenoised: true }));
    // diffusionrig-a has the unclipped sample, the EMO v2 fixture does not
    if (arrays.has('ddim_sample_noclip')) check('ddim_sample_noclip', await runner.sample(noise, conditioning, settings, { eta: 0, clipDenoised: false }));
    check('ddim_inverted', await runner.invert(x0, conditioning, settings, { clipDenoised: true }));
    const references = dpmSolverReferences(arrays);
    if (references.length > 0) {
      const start = floats(arrays, arrays.has('dpm_xT') ? 'dpm_xT' : 'ddim_xT', ioFile);
      for (const { name, steps } of references) check(name, await runner.sampleDpmSolver(start, conditioning, { steps: 1000, schedule: 'linear' }, steps));
    }
  } finally {
    await runner.dispose();
  }
  return checks;
}

/** The verifier registered with `rig-studio verify-fixture`. */
export const diffusionRigFixtureVerifier: FixtureVerifier<{ provider?: ProviderName; precision?: 'float32' | 'float16'; overrides?: ArchitectureOverrides }> = {
  name: 'diffusionrig',
  recognises: (dir) => existsSync(join(dir, 'io.npz')) && findCheckpoint(dir) !== undefined && !existsSync(join(dir, 'deca_model.tar')),
  verify: (dir, options) => verifyDiffusionRigFixture(dir, { provider: options.provider, precision: options.precision, overrides: options.overrides }),
};
