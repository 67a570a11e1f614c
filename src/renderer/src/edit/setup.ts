/** Why the Edit setup's Generate cannot run yet, in words (null when it can). */
export function generateBlocker(state: { models: number; sources: number; targets: number; modeSets: number; imageSizeError: string | null; runningJobId?: number | null }): string | null {
  // one click, one job: a second click while it runs would queue the same grid again
  if (state.runningJobId != null) return `Generating (edit job ${state.runningJobId}): wait for it to finish, or cancel it in Jobs.`;
  if (state.models === 0) return 'No model yet: use the Demo base model, train a base model or import a checkpoint (see above).';
  if (state.imageSizeError) return state.imageSizeError;
  if (state.sources === 0) return 'Choose at least one source photo.';
  if (state.targets === 0) return 'Choose at least one target photo (its expression, pose or light is transferred).';
  if (state.modeSets === 0) return 'Check at least one mode.';
  return null;
}

/** A model run as the setup holds it, and a model as the setup lists it. */
interface RunChoice {
  modelId: number | null;
  method: 'ddim' | 'dpm++';
  steps: number;
}

/**
 * What is wrong with the extra model runs (null when nothing): a run without a model, a model
 * whose image size is not known yet (the size field serves the first run's model), too few
 * DPM-Solver++ steps, or a run that repeats an earlier one.
 */
export function runsProblem(first: RunChoice, extra: readonly RunChoice[], models: readonly { id: number; name: string; imageSize: number | null }[]): string | null {
  const all = [first, ...extra];
  for (let k = 1; k < all.length; k++) {
    const run = all[k];
    const model = models.find((m) => m.id === run.modelId);
    if (!model) return `Model run ${k + 1}: choose its model.`;
    if (model.imageSize === null && model.id !== first.modelId) return `Model run ${k + 1}: the image size of ${model.name} is not known yet; choose it as the first model once and enter its size.`;
    if (run.method === 'dpm++' && run.steps < 2) return `Model run ${k + 1}: DPM-Solver++ needs at least 2 steps.`;
    const twin = all.findIndex((other) => other.modelId === run.modelId && other.method === run.method && other.steps === run.steps);
    if (twin < k) return `Model run ${k + 1} repeats model run ${twin + 1} (same model, sampler and steps).`;
  }
  return null;
}
