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
