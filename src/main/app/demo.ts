import { join } from 'node:path';
import type { ProjectInfo } from '../../common/contract';
import { ensureDemoModel } from '../models/demoModel';
import type { WorkerPool } from './workerTasks';
import { Project } from '../library/project';
import type { OpenProject } from '../library/openProject';
import type { Backend } from './backend';
import { demoAlbumName, ensureDemoPhotos } from './demo/photos';

/** The demo project's name; it lives in `<dataDir>/demo`. */
export const demoProjectName = 'Rig Studio demo';

/** Folder of the demo project inside the data dir. */
export function demoProjectDir(dataDir: string): string {
  return join(dataDir, 'demo');
}

/**
 * One idempotent step that fills the demo project (runs on every demo open, so a step must
 * check before it adds). A feature that needs demo content adds its step to `demoSteps`, one
 * entry each (the album, the Demo base model, the photos and their codes).
 */
export type DemoStep = (open: OpenProject, context: DemoContext) => Promise<void> | void;

/** What demo steps may use besides the open project. */
export interface DemoContext {
  /** The Backend's worker threads (for rendering). */
  pool: WorkerPool;
}

/** Makes sure the "Demo" album exists. */
export const ensureDemoAlbum: DemoStep = ({ library }) => {
  if (!library.listAlbums().some((a) => a.name === demoAlbumName)) library.createAlbum(demoAlbumName);
};

/** Fills the Demo album with renders of the demo head and their exact codes (src/main/app/demo/). */
export const ensureDemoContent: DemoStep = async (open, { pool }) => {
  await ensureDemoPhotos(open, { pool });
};

/** Registers the shipped Demo base model (src/main/models/demoModel.ts), so the demo edits out of the box. */
export const ensureDemoBaseModel: DemoStep = async (open, { pool }) => {
  await ensureDemoModel(open.project, { pool });
};

// the model first: on a new demo project it is then the first (default) model
export const demoSteps: DemoStep[] = [ensureDemoAlbum, ensureDemoBaseModel, ensureDemoContent];

/** Demo openings in progress, per folder: a second request meanwhile joins the first instead of reopening. */
const opening = new Map<string, Promise<ProjectInfo>>();

/** Opens the demo project in the data dir, creating it on first use, and runs every demo step. */
export function openDemo(backend: Backend): Promise<ProjectInfo> {
  return openDemoProject(backend, demoProjectDir(backend.dataDir));
}

/**
 * Opens (creating it when new) a demo project in `dir` and runs every demo step: the app's
 * first start and `rig-studio demo create DIR` share this.
 */
export function openDemoProject(backend: Backend, dir: string): Promise<ProjectInfo> {
  let pending = opening.get(dir);
  if (!pending) {
    pending = (async () => {
      if (Project.isProject(dir)) await backend.open(dir);
      else await backend.createProject(dir, demoProjectName);
      const open = backend.require();
      for (const step of demoSteps) await step(open, { pool: backend.pool });
      return open.project.info();
    })().finally(() => opening.delete(dir));
    opening.set(dir, pending);
  }
  return pending;
}
