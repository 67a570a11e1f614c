import { diffusionRigVerifier } from '../diffusion/fixture-verifier';
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

export interface FixtureVerifier {
  name: string;
  /** True when DIR has this verifier's files. */
  recognises(dir: string): boolean;
  verify(dir: string, options: { landmarks?: string }): Promise<ArrayCheck[]>;
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
