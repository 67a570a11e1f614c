/**
 * `rig-studio verify-fixture` support for training: recognises a DiffusionRig fixture that also
 * holds `train_grads.npz` and `train_params_after_adam.npz`, runs one stage-2 train step and
 * reports loss, per-item loss, pre-clip gradient norm, every gradient and every updated tensor.
 */
import type { FixtureVerifier } from '../cli/verifiers';
import type { TrainingVerifyOptions } from './fixture';
import { isTrainingFixture, verifyTrainingFixture } from './fixture';

export const diffusionRigTrainingVerifier: FixtureVerifier = {
  name: 'diffusionrig-training',
  recognises: isTrainingFixture,
  // verify-fixture passes its architecture flags as `numHeadChannels` / `newAttentionOrder`
  verify: (dir, options) => verifyTrainingFixture(dir, pickOverrides(options)),
};

function pickOverrides(options: object): TrainingVerifyOptions {
  const o = options as Record<string, unknown>;
  const out: TrainingVerifyOptions = {};
  if (typeof o.numHeadChannels === 'number') out.numHeadChannels = o.numHeadChannels;
  if (typeof o.newAttentionOrder === 'boolean') out.newAttentionOrder = o.newAttentionOrder;
  return out;
}
