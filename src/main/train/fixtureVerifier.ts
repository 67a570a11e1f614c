/**
 * `rig-studio verify-fixture` support for training: recognises a DiffusionRig fixture that also
 * holds `train_grads.npz` and `train_params_after_adam.npz`, runs one stage-2 train step and
 * reports loss, per-item loss, pre-clip gradient norm, every gradient and every updated tensor.
 */
import type { FixtureVerifier } from '../core/verifier';
import type { TrainingVerifyOptions } from './fixture';
import { isTrainingFixture, verifyTrainingFixture } from './fixture';

export const trainingFixtureVerifier: FixtureVerifier<Pick<TrainingVerifyOptions, 'provider' | 'overrides'>> = {
  name: 'diffusionrig-training',
  recognises: isTrainingFixture,
  // verify-fixture's architecture flags (--num-heads, --num-head-channels, --new-attention-order) arrive as overrides
  verify: (dir, options) => verifyTrainingFixture(dir, { provider: options.provider, overrides: options.overrides }),
};
