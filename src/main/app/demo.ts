import { join } from 'node:path';
import type { ProjectInfo } from '../../common/contract';
import { Project } from '../library/project';
import type { Backend, OpenProject } from './backend';

/** The demo project's name; it lives in `<dataDir>/demo`. */
export const demoProjectName = 'Rig Studio demo';

/** Folder of the demo project inside the data dir. */
export function demoProjectDir(dataDir: string): string {
  return join(dataDir, 'demo');
}

/**
 * One idempotent step that fills the demo project (runs on every demo open, so a step must
 * check before it adds). Later issues add theirs to `demoSteps`: e.g. importing renders of
 * the demo FLAME head as demo photos, one entry each.
 */
export type DemoStep = (open: OpenProject) => Promise<void> | void;

/** Makes sure the "Demo" album exists. */
export const ensureDemoAlbum: DemoStep = ({ library }) => {
  if (!library.listAlbums().some((a) => a.name === 'Demo')) library.createAlbum('Demo');
};

export const demoSteps: DemoStep[] = [ensureDemoAlbum];

/** Opens the demo project, creating it on first use, and runs every demo step. */
export async function openDemo(backend: Backend): Promise<ProjectInfo> {
  const dir = demoProjectDir(backend.dataDir);
  if (Project.isProject(dir)) await backend.open(dir);
  else await backend.createProject(dir, demoProjectName);
  const open = backend.require();
  for (const step of demoSteps) await step(open);
  return open.project.info();
}
