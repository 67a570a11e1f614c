import { defaultSampler, type CodeEstimator, type EditMode, type EditJobView, type SamplerSettings } from '../../../common/contract';

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
  batchSize: number;
  scores: boolean;
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
  batchSize: 4,
  scores: true,
  lastJobId: null,
};

const byProject = new Map<string, EditSetupState>();

/** The setup last used in this project (defaults the first time). */
export function loadSetup(projectDir: string): EditSetupState {
  return byProject.get(projectDir) ?? { ...defaultSetup, sampler: { ...defaultSampler } };
}

/** Keeps the setup of a project. */
export function saveSetup(projectDir: string, state: EditSetupState): void {
  byProject.set(projectDir, state);
}

/**
 * The setup that reproduces a job: its sources, targets and modes, and — from its first
 * result's provenance — model, sampler and mean-shape choice. Single modes stay checked; a
 * combined set ('exp+pose') turns on "all checked modes combined".
 */
export function setupFromJob(current: EditSetupState, view: EditJobView, albums: { source: number | null; target: number | null }): EditSetupState {
  const single = view.modes.filter((m) => !m.includes('+')) as EditMode[];
  const combined = view.modes.some((m) => m.includes('+'));
  const modes = single.length > 0 ? single : combined ? (view.modes.find((m) => m.includes('+'))!.split('+') as EditMode[]) : current.modes;
  const provenance = view.results[0]?.provenance;
  return {
    ...current,
    sources: [...view.sourcePhotoIds],
    targets: [...view.targetPhotoIds],
    sourceAlbum: albums.source ?? current.sourceAlbum,
    targetAlbum: albums.target ?? current.targetAlbum,
    modes,
    combined,
    modelId: provenance?.model.id ?? current.modelId,
    sampler: provenance ? { ...provenance.sampler } : current.sampler,
    meanShape: provenance?.meanShape ?? current.meanShape,
    lastJobId: view.jobId,
  };
}
