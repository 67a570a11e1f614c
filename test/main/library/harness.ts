import { join } from 'node:path';
import type { AnyEvent, ImportResult, JobInfo } from '../../../src/common/contract';
import { EventHub } from '../../../src/main/core/events';
import { InlinePool } from '../../../src/main/jobs/pool';
import { type WorkerPool, workerTasks } from '../../../src/main/app/workerTasks';
import { JobRunner } from '../../../src/main/jobs/runner';
import { importJobKind } from '../../../src/main/library/import/importJob';
import { Library } from '../../../src/main/library/library';
import { Project } from '../../../src/main/library/project';
import { tempDir } from './fixtures';

export interface TestProject {
  root: string;
  project: Project;
  library: Library;
  runner: JobRunner;
  events: AnyEvent[];
  /** Starts an import and waits for it to end. */
  importPaths(albumId: number, paths: string[]): Promise<JobInfo & { result: ImportResult }>;
  reopen(): Promise<void>;
  close(): Promise<void>;
}

/** A project in a temp folder with the library, a job runner and the import kind wired up. */
export function openTestProject(pool: WorkerPool = new InlinePool(workerTasks)): TestProject {
  const { dir: root, cleanup } = tempDir();
  const hub = new EventHub();
  const events: AnyEvent[] = [];
  hub.on((name, payload) => events.push({ name, payload } as AnyEvent));
  const wire = (project: Project) => {
    const runner = new JobRunner(project.db, hub.emit, { progressIntervalMs: 0 });
    runner.register(importJobKind({ project, pool, emit: hub.emit }));
    return { project, library: new Library(project, hub.emit), runner };
  };
  const t: TestProject = {
    root,
    events,
    ...wire(Project.create(join(root, 'project'), 'Test')),
    async importPaths(albumId, paths) {
      const job = t.runner.start('import', { albumId, paths });
      return (await t.runner.wait(job.id)) as JobInfo & { result: ImportResult };
    },
    async reopen() {
      await t.runner.close();
      t.project.close();
      Object.assign(t, wire(Project.open(join(root, 'project'))));
    },
    async close() {
      await t.runner.close();
      t.project.close();
      cleanup();
    },
  };
  return t;
}
