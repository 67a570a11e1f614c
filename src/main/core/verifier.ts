/**
 * `rig-studio verify-fixture DIR` compares this app's numbers with reference outputs written
 * by the upstream code. Each domain contributes a verifier that recognises a fixture layout
 * by its files; the CLI lists them (cli/verifiers.ts) and runs every one that recognises DIR.
 */

/** One compared array. */
export interface ArrayCheck {
  /** Reference array name, e.g. 'vertices' or 'grad/denoisingUNet.out.2.weight'. */
  name: string;
  /** max |ours - ref| / max |ref| */
  worstRelativeError: number;
  tolerance: number;
  ok: boolean;
}

/** A domain's fixture comparison; `Options` are the `verify-fixture` flags it reads. */
export interface FixtureVerifier<Options extends object = object> {
  name: string;
  /** True when DIR has this verifier's files. */
  recognises(dir: string): boolean;
  verify(dir: string, options: Options): Promise<ArrayCheck[]>;
}

/** max |ours − ref| / max |ref| over two equally long arrays (0 when both are all zero; NaN counts as a failure). */
export function worstRelativeError(ours: ArrayLike<number>, reference: ArrayLike<number>): number {
  if (ours.length !== reference.length) throw new Error(`${ours.length} values against ${reference.length} reference values`);
  let maxDiff = 0;
  let maxRef = 0;
  for (let i = 0; i < reference.length; i++) {
    const d = Math.abs(ours[i] - reference[i]);
    if (!(d <= maxDiff)) maxDiff = Number.isNaN(d) ? Infinity : d;
    maxRef = Math.max(maxRef, Math.abs(reference[i]));
  }
  return maxRef === 0 ? maxDiff : maxDiff / maxRef;
}
