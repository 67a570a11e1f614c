import { describe, expect, it } from 'vitest';
import { isTrainingFixture, trainingTolerances, verifyTrainingFixture, type TrainingCheck } from '../../../src/main/train/fixture';
import { sharedPath } from '../../helpers/shared';

// One stage-2 train step of the 64-px fixture model (upstream PyTorch 1.13, CPU) against ours.
describe('train step against fixtures/diffusionrig-a', () => {
  const dir = sharedPath('fixtures', 'diffusionrig-a');
  let checks: TrainingCheck[] = [];
  const worst = (prefix: string) => Math.max(...checks.filter((c) => c.name.startsWith(prefix)).map((c) => c.worstRelativeError));

  it('recognises the fixture', () => {
    expect(isTrainingFixture(dir)).toBe(true);
  });

  it('runs the step', async () => {
    checks = await verifyTrainingFixture(dir);
    if (process.env.TRAIN_FIXTURE_REPORT) {
      console.log(['train_loss', 'train_loss_per_item', 'train_grad_norm_preclip', 'grad/', 'param/', 'adam_update'].map((p) => `${p}: ${worst(p).toExponential(2)}`).join('\n'));
    }
    expect(checks.length).toBe(3 + 228 + 228 + 1);
  }, 120_000);

  it('matches loss, per-item loss and the pre-clip gradient norm', () => {
    for (const name of ['train_loss', 'train_loss_per_item', 'train_grad_norm_preclip']) {
      expect(worst(name), name).toBeLessThan(trainingTolerances.scalars);
    }
  });

  it('matches every gradient', () => {
    const bad = checks.filter((c) => c.name.startsWith('grad/') && !c.ok);
    expect(bad).toEqual([]);
    expect(worst('grad/')).toBeLessThan(trainingTolerances.gradients);
  });

  it('matches every parameter after clipping and one Adam step', () => {
    expect(checks.filter((c) => c.name.startsWith('param/') && !c.ok)).toEqual([]);
    expect(worst('adam_update')).toBeLessThan(trainingTolerances.updates);
  });
});
