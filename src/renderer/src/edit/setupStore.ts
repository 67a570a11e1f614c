import { defaultSampler, type CodeEstimator, type EditMode, type EditJobView, type SamplerMethod, type SamplerSettings } from '../../../common/contract';

/** A model run compared with the first (the model axis): its model, sampler and steps; η, seed, clip and inversion are the first run's. */
export interface ExtraRun {
  modelId: number | null;
  method: SamplerMethod;
  steps: number;
}

/** What the Edit setup holds, kept per project while the app runs (navigating away and back keeps it). */
export interface EditSetupState {
  modelId: number | null;
  sourceAlbum: number | null;
  targetAlbum: number | null;
  sources: number[];
  targets: number[];
  modes: EditMode[];
  combined: boolean;
  meanShape: boolean;
  /** Whose codes the sources and targets are edited with; null: the model's estimator. */
  sourceEstimator: CodeEstimator | null;
  targetEstimator: CodeEstimator | null;
  sampler: SamplerSettings;
  /** More model runs after the first (model and sampler above): each makes its own tile for every source, target and mode. */
  extraRuns: ExtraRun[];
  batchSize: number;
  scores: boolean;
  /** Which FLAME estimator scores the expression error ('target': the one that made the target's codes). */
  expressionEstimator: 'target' | 'deca' | 'emoca' | 'fit' | 'none';
  /** The job the grid showed last (the Edit view opens it again). */
  lastJobId: number | null;
}

export const defaultSetup: EditSetupState = {
  modelId: null,
  sourceAlbum: null,
  targetAlbum: null,
  sources: [],
  targets: [],
  modes: ['exp', 'pose', 'light'],
  combined: false,
  meanShape: true,
  sourceEstimator: null,
  targetEstimator: null,
  sampler: { ...defaultSampler },
  extraRuns: [],
  batchSize: 4,
  scores: true,
  expressionEstimator: 'target',
  lastJobId: null,
};

const byProject = new Map<string, EditSetupState>();

/** The setup last used in this project (defaults the first time). */
export function loadSetup(projectDir: string): EditSetupState {
  return byProject.get(projectDir) ?? { ...defaultSetup, sampler: { ...defaultSampler }, extraRuns: [] };
}

/** Keeps the setup of a project. */
export function saveSetup(projectDir: string, state: EditSetupState): void {
  byProject.set(projectDir, state);
}

/**
 * The setup that reproduces a job: its sources, targets, modes and model runs (the first run's
 * model and sampler, the others as extra runs), and — from its first result's provenance —
 * the mean-shape choice (and model and sampler for a view from before runs were listed). Single modes stay checked; a
 * combined set ('exp+pose') turns on "all checked modes combined".
 */
export function setupFromJob(current: EditSetupState, view: EditJobView, albums: { source: number | null; target: number | null }): EditSetupState {
  const single = view.modes.filter((m) => !m.includes('+')) as EditMode[];
  const combined = view.modes.some((m) => m.includes('+'));
  const modes = single.length > 0 ? single : combined ? (view.modes.find((m) => m.includes('+'))!.split('+') as EditMode[]) : current.modes;
  const provenance = view.results[0]?.provenance;
  const [first, ...others] = view.runs;
  const common = {
    ...current,
    sources: [...view.sourcePhotoIds],
    targets: [...view.targetPhotoIds],
    sourceAlbum: albums.source ?? current.sourceAlbum,
    targetAlbum: albums.target ?? current.targetAlbum,
    modes,
    combined,
    meanShape: provenance?.meanShape ?? current.meanShape,
    lastJobId: view.jobId,
  };
  if (first) {
    return {
      ...common,
      modelId: first.modelId,
      sampler: { ...first.sampler },
      extraRuns: others.map((run) => ({ modelId: run.modelId, method: run.sampler.method ?? 'ddim', steps: run.sampler.steps })),
    };
  }
  return {
    ...common,
    modelId: provenance?.model.id ?? current.modelId,
    sampler: provenance ? { ...provenance.sampler } : current.sampler,
    extraRuns: provenance ? [] : current.extraRuns,
  };
}
