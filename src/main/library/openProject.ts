import type { JobRunner } from '../jobs/runner';
import type { Library } from './library';
import type { Project } from './project';

/** The services of the project that is open. */
export interface OpenProject {
  project: Project;
  library: Library;
  jobs: JobRunner;
}

/**
 * Whichever project is open (the backend is one): what handler factories take instead of the
 * whole backend. `require()` throws AppError('no-project') when none is open.
 */
export interface ProjectSlot {
  require(): OpenProject;
  readonly current: OpenProject | null;
}
