import { ModelAssetStore } from '../flame/assets';
import type { AppInfo, ProjectInfo } from '../../common/contract';
import { AppError } from '../core/errors';
import { EventHub } from '../core/events';
import { EditEngine } from '../edit/engine';
import { editHeadModelSource } from '../edit/service';
import { EngineScorer } from '../edit/hostTasks';
import { InProcessEngine, WorkerEngine } from '../engine/client';
import type { HostOptions } from '../engine/state';
import { type AppEngine, hostTasks, type HostTasks } from './hostTasks';
import { InlinePool, ThreadPool } from '../jobs/pool';
import { type WorkerPool, type WorkerTasks, workerTasks } from './workerTasks';
import { JobRunner } from '../jobs/runner';
import { sweepOnOpen } from '../library/gc';
import { Library } from '../library/library';
import { Project } from '../library/project';
import type { OpenProject, ProjectSlot } from '../library/openProject';
import { resolveDataDir } from '../settings/dataDir';
import { Settings } from '../settings/settings';
import { bundlePaths } from './bundlePaths';
import { jobKinds } from './jobKinds';
import { version } from '../core/version';

export interface BackendOptions {
  mode: AppInfo['mode'];
  /** Defaults to resolveDataDir() (RIG_STUDIO_DATA_DIR or the per-OS config folder). */
  dataDir?: string;
  /** out/main/worker.js; 'inline' runs worker tasks on the event loop (unit tests only). */
  workerScript?: string | 'inline';
  /**
   * The compute host's bundle (out/main/engine.js); 'inline' runs the engine on the event loop
   * (unit tests and the bench reference only). Default: 'inline' when workerScript is, else the bundle.
   */
  engineScript?: string | 'inline';
  /** Session options of the compute host's backends (tests: e.g. graphOptimizationLevel). */
  engineOptions?: HostOptions;
  /** Called after a project opened, e.g. to extend it (demo content). */
  onProjectOpened?: (open: OpenProject) => Promise<void> | void;
}

/**
 * The composition root: data dir, settings, worker threads, the compute engine (one host that
 * owns every onnxruntime session), event bus and the one open project with its library and job
 * runner. Both transports (Electron IPC and serve mode) and the CLI drive a Backend; nothing in
 * it knows which.
 */
export class Backend implements ProjectSlot {
  readonly events = new EventHub();
  readonly settings: Settings;
  readonly dataDir: string;
  readonly pool: WorkerPool;
  /** The compute host's client, handed to the edit, training, estimation and scoring services. */
  readonly engine: AppEngine;
  /** The Edit studio's engine (on `engine`; buffers with the viewport's head from this data dir's Settings). */
  readonly edit: EditEngine;
  private openProject: OpenProject | null = null;
  /** Opening/closing is serialised so two requests cannot interleave their steps. */
  private switching: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: BackendOptions) {
    this.dataDir = options.dataDir ?? resolveDataDir();
    this.settings = new Settings(this.dataDir);
    const script = options.workerScript ?? bundlePaths().worker;
    this.pool = script === 'inline' ? new InlinePool(workerTasks) : new ThreadPool<WorkerTasks>(script);
    const engineScript = options.engineScript ?? (script === 'inline' ? 'inline' : bundlePaths().engine);
    this.engine = engineScript === 'inline' ? new InProcessEngine(hostTasks, options.engineOptions) : new WorkerEngine<HostTasks>(engineScript, options.engineOptions);
    this.edit = new EditEngine({ engine: this.engine, ...editHeadModelSource(() => this.dataDir), scorer: new EngineScorer(this.engine), assets: () => new ModelAssetStore(this.dataDir).current() });
  }

  appInfo(): AppInfo {
    return { version, mode: this.options.mode, dataDir: this.dataDir, platform: process.platform };
  }

  /** The open project, or null. */
  get current(): OpenProject | null {
    return this.openProject;
  }

  /** The open project; a request that needs one gets a clear 'no-project' error otherwise. */
  require(): OpenProject {
    if (!this.openProject) throw new AppError('no-project', 'no project is open; create or open one first');
    return this.openProject;
  }

  private serial<T>(step: () => Promise<T>): Promise<T> {
    const next = this.switching.then(step, step);
    this.switching = next.catch(() => undefined);
    return next;
  }

  /** Creates a project folder and opens it. */
  createProject(dir: string, name: string): Promise<ProjectInfo> {
    return this.serial(async () => {
      await this.closeCurrent();
      return this.adopt(Project.create(dir, name));
    });
  }

  /** Opens a project folder (closing the current one). */
  open(dir: string): Promise<ProjectInfo> {
    return this.serial(async () => {
      const project = Project.open(dir);
      await this.closeCurrent();
      return this.adopt(project);
    });
  }

  closeProject(): Promise<void> {
    return this.serial(() => this.closeCurrent());
  }

  private async adopt(project: Project): Promise<ProjectInfo> {
    try {
      const jobs = new JobRunner(project.db, this.events.emit);
      for (const kind of jobKinds({ project, pool: this.pool, emit: this.events.emit, engine: this.engine, edit: this.edit })) jobs.register(kind);
      jobs.recover();
      // Orphans of a crash go; nothing a live job (in any process) still uses (library/gc.ts).
      await sweepOnOpen(project, jobs);
      this.openProject = { project, library: new Library(project, this.events.emit), jobs };
      await this.options.onProjectOpened?.(this.openProject);
    } catch (e) {
      await this.openProject?.jobs.close();
      this.openProject = null;
      project.close();
      throw e;
    }
    const info = project.info();
    this.settings.rememberProject(info.dir, info.name);
    this.events.emit('library.changed', { albumId: null });
    return info;
  }

  private async closeCurrent(): Promise<void> {
    const open = this.openProject;
    if (!open) return;
    this.openProject = null;
    await open.jobs.close();
    open.project.close();
    this.events.emit('library.changed', { albumId: null });
  }

  /** Closes the project (running jobs become 'interrupted', resumable), the worker threads and the compute host. */
  async close(): Promise<void> {
    await this.closeProject();
    await Promise.all([this.pool.close(), this.engine.close()]);
  }
}
