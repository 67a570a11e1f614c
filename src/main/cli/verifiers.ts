import type { FixtureVerifier } from '../core/verifier';
import { diffusionRigFixtureVerifier } from '../diffusion/fixtureVerifier';
import { decaFixtureVerifier } from '../estimate/fixtureVerifier';
import { flameFixtureVerifier } from '../flame/fixtureVerifier';
import type { ArchitectureOverrides } from '../models/infer';
import type { ProviderName } from '../nn/backend';
import { trainingFixtureVerifier } from '../train/fixtureVerifier';

/** Options of one verification (`rig-studio verify-fixture` flags); each verifier reads the ones it needs. */
export interface VerifyOptions {
  landmarks?: string;
  /** Execution provider the networks run on (default cpu; verifiers without networks ignore it). */
  provider?: ProviderName;
  /** float16 runs the networks converted to float16 and compares with the float16 tolerances. */
  precision?: 'float32' | 'float16';
  /** Architecture settings the weights do not record (as `model import` takes them). */
  overrides?: ArchitectureOverrides;
}

/** Every domain's fixture verifier; `rig-studio verify-fixture DIR` runs each that recognises DIR. */
export const verifiers: FixtureVerifier<VerifyOptions>[] = [flameFixtureVerifier, diffusionRigFixtureVerifier, trainingFixtureVerifier, decaFixtureVerifier];
