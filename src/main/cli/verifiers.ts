import { diffusionRigVerifier } from '../diffusion/fixture-verifier';
import type { ArchitectureOverrides } from '../models/infer';
import type { ProviderName } from '../nn/backend';
import { flameFixtureVerifier } from '../flame/verify-fixture';
import { diffusionRigTrainingVerifier } from '../train/verifier';
import { decaFixtureVerifier } from '../estimate/verify-fixture';

/**
 * `rig-studio verify-fixture DIR` compares this app's numbers with reference outputs written
 * by the upstream code. Each domain contributes a verifier that recognises a fixture layout
 * by its files; every verifier that recognises DIR runs.
 */
export interface ArrayCheck {
  /** Reference array name, e.g. 'vertices' or 'grad/denoisingUNet.out.2.weight'. */
  name: string;
  /** max |ours - ref| / max |ref| */
  worstRelativeError: number;
  tolerance: number;
  ok: boolean;
}

/** Options of one verification (`rig-studio verify-fixture` flags). */
export interface VerifyOptions {
  landmarks?: string;
  /** Execution provider the networks run on (default cpu; verifiers without networks ignore it). */
  provider?: ProviderName;
  /** float16 runs the networks converted to float16 and compares with the float16 tolerances. */
  precision?: 'float32' | 'float16';
  /** Architecture settings the weights do not record (as `model import` takes them). */
  overrides?: ArchitectureOverrides;
}

export interface FixtureVerifier {
  name: string;
  /** True when DIR has this verifier's files. */
  recognises(dir: string): boolean;
  verify(dir: string, options: VerifyOptions): Promise<ArrayCheck[]>;
}

export const verifiers: FixtureVerifier[] = [flameFixtureVerifier, diffusionRigVerifier, diffusionRigTrainingVerifier, decaFixtureVerifier];

/** max |a - b| / max |b| over two equally long arrays (0 when both are all zero). */
export function worstRelativeError(ours: ArrayLike<number>, ref: ArrayLike<number>): number {
  if (ours.length !== ref.length) throw new Error(`length ${ours.length} != reference length ${ref.length}`);
  let maxDiff = 0;
  let maxRef = 0;
  for (let i = 0; i < ref.length; i++) {
    const d = Math.abs(ours[i] - ref[i]);
    if (!(d <= maxDiff)) maxDiff = d; // NaN propagates as a failure
    const r = Math.abs(ref[i]);
    if (r > maxRef) maxRef = r;
  }
  return maxRef === 0 ? maxDiff : maxDiff / maxRef;
}
