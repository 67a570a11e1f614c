import type { EditCellEvent, EditJobParams, JobInfo, SamplerMethod } from '../../../common/contract';
import { editJobParamsSchema, parseSamplerSpec } from '../../../common/contract';
import { parseModeSet } from '../../edit/codes';
import { cellRun } from '../../edit/editJob';
import { scoresCsv } from '../../edit/scores';
import { EditService } from '../../edit/service';
import { writeFileAtomic } from '../../library/atomicFile';
import { ModelRegistry } from '../../models/registry';
import type { Backend } from '../../app/backend';
import type { CliIo, Command } from '../command';
import { UsageError } from '../command';
import { followJob } from '../jobs';
import { withProject } from './project';

/** Comma/space separated tokens of one or more flag values. */
function tokens(value: unknown): string[] {
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.flatMap((v) => String(v).split(',')).map((t) => t.trim()).filter(Boolean);
}

function integer(value: unknown, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new UsageError(`${flag} must be an integer, got ${String(value)}`);
  return n;
}

/** A flag's values, given once or more. */
function all(value: unknown): string[] {
  return value === undefined ? [] : (Array.isArray(value) ? value : [value]).map(String);
}

/**
 * Each --sampler NAME:STEPS (ddim:20, dpm++:10) in order; --steps N alone is DDIM's steps, as
 * before the sampler flag, and without either DDIM 20.
 */
export function samplerFlags(values: Record<string, unknown>): { method: SamplerMethod; steps: number }[] {
  const specs = all(values.sampler);
  if (specs.length === 0) return [{ method: 'ddim', steps: integer(values.steps, '--steps', 20) }];
  if (values.steps !== undefined) throw new UsageError('give the steps in --sampler (e.g. --sampler dpm++:10), not also --steps');
  return specs.map((spec) => {
    const parsed = parseSamplerSpec(spec);
    if (typeof parsed === 'string') throw new UsageError(`--sampler: ${parsed}`);
    return parsed;
  });
}

/**
 * The model axis from the command line: --model and --sampler paired in order (`--model A
 * --sampler ddim:20 --model A --sampler dpm++:10`); one --model with several --sampler runs that
 * model with each, and one --sampler with several --model runs each model with it.
 */
export function pairRuns<M>(models: readonly M[], samplers: readonly { method: SamplerMethod; steps: number }[]): { model: M; sampler: { method: SamplerMethod; steps: number } }[] {
  if (models.length === samplers.length) return models.map((model, k) => ({ model, sampler: samplers[k] }));
  if (models.length === 1) return samplers.map((sampler) => ({ model: models[0], sampler }));
  if (samplers.length === 1) return models.map((model) => ({ model, sampler: samplers[0] }));
  throw new UsageError(`${models.length} --model and ${samplers.length} --sampler: give one --sampler per --model (paired in order), or one for every model`);
}

/** `rig-studio transfer`: the Edit studio's job, headless, writing the comparison grid. */
export const transferCommand: Command = {
  name: ['transfer'],
  summary:
    'Transfer expression / pose / light / appearance from target photos to source photos with a DiffusionRig model (sources × targets × modes, as the Edit view) and write the comparison grid PNG. Sources and targets are photo ids or album names (an album means its photos with FLAME codes). Progress on stderr. ' +
    'Ctrl-C (or a kill) leaves the job interrupted; --resume JOB continues it (or, for a finished job, writes its grid and results again). Every file is written atomically; --results DIR gets export.json last, when complete.',
  usage:
    '--project DIR --model ID|NAME|FILE [--sampler ddim:20|dpm++:10] [--model ... --sampler ...]... --sources LIST --targets LIST [--modes exp,pose,light,latent|exp+pose] --out grid.png [--steps 20] [--eta 0] [--seed 0] [--no-clip] [--no-inversion] [--no-mean-shape] [--source-estimator deca|emoca|fit] [--target-estimator deca|emoca|fit] [--batch 4] [--image-size N] [--no-scores] [--expression-estimator target|fit|deca|emoca|none] [--results DIR] [--scores-csv FILE] [--json]\n       --project DIR --resume JOB --out grid.png [--results DIR] [--scores-csv FILE] [--json]',
  options: {
    project: { type: 'string' },
    model: { type: 'string', multiple: true },
    sources: { type: 'string', multiple: true },
    targets: { type: 'string', multiple: true },
    modes: { type: 'string', default: 'exp,pose,light' },
    out: { type: 'string' },
    sampler: { type: 'string', multiple: true },
    steps: { type: 'string' },
    eta: { type: 'string' },
    seed: { type: 'string' },
    'no-clip': { type: 'boolean' },
    inversion: { type: 'boolean' },
    'no-inversion': { type: 'boolean' },
    'no-mean-shape': { type: 'boolean' },
    'source-estimator': { type: 'string' },
    'target-estimator': { type: 'string' },
    batch: { type: 'string' },
    'image-size': { type: 'string' },
    'no-scores': { type: 'boolean' },
    'expression-estimator': { type: 'string' },
    results: { type: 'string' },
    'scores-csv': { type: 'string' },
    resume: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run({ values, positionals }, io: CliIo) {
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
    if (!values.out) throw new UsageError('--out grid.png is required');
    if (values.resume !== undefined) return resumeTransfer(values, io);
    if (!values.model) throw new UsageError('--model ID|NAME|FILE is required (a model id, its name, or its checkpoint file name)');
    const modes = tokens(values.modes);
    for (const m of modes) {
      try {
        parseModeSet(m);
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
    }
    const eta = values.eta === undefined ? 0 : Number(values.eta);
    if (!(eta >= 0 && eta <= 1)) throw new UsageError('--eta must be a number in [0, 1]');
    if (values.inversion && values['no-inversion']) throw new UsageError('--inversion and --no-inversion contradict each other');
    const samplers = samplerFlags(values);
    if (samplers.some((s) => s.method === 'dpm++') && eta !== 0) throw new UsageError('--eta: DPM-Solver++ is deterministic (η must be 0)');
    return withProject(values.project, async (backend) => {
      const open = backend.require();
      const service = new EditService(backend.edit, open.project, backend.pool, open.jobs);
      const models = service.models();
      const registry = new ModelRegistry(open.project.db);
      const chosen = all(values.model).map((name) => {
        let found;
        try {
          found = registry.find(name);
        } catch (e) {
          throw new UsageError(`--model: ${(e as Error).message}`);
        }
        const model = found && models.find((m) => m.id === found.id);
        if (!model) throw new UsageError(`no model '${name}' in this project (registered: ${models.map((m) => `${m.id} ${m.name}`).join(', ') || 'none'}; use rig-studio model import)`);
        return model;
      });
      const pairs = pairRuns(chosen, samplers);
      const imageSize = values['image-size'] === undefined ? undefined : integer(values['image-size'], '--image-size', 0);
      if (imageSize !== undefined && new Set(pairs.map((p) => p.model.id)).size > 1) throw new UsageError('--image-size gives one model\'s size: with several models, run each once alone with --image-size (the Edit view keeps the size with the model) and leave it out here');
      const shared = { eta, seed: integer(values.seed, '--seed', 0), clip: !values['no-clip'], inversion: inversionFlag(values, eta) };
      const resolve = (list: string[], flag: string): number[] => {
        if (list.length === 0) throw new UsageError(`${flag} is required`);
        const albums = open.library.listAlbums();
        return list.flatMap((token) => {
          if (/^\d+$/.test(token)) return [Number(token)];
          const album = albums.find((a) => a.name === token);
          if (!album) throw new UsageError(`${flag}: '${token}' is neither a photo id nor an album (albums: ${albums.map((a) => a.name).join(', ') || 'none'})`);
          const ids = service.estimates(album.id).map((e) => e.photoId);
          if (ids.length === 0) throw new UsageError(`${flag}: album '${token}' has no photos with FLAME codes; run rig-studio estimate first`);
          return ids;
        });
      };
      let params: EditJobParams;
      try {
        const axis =
          pairs.length === 1
            ? { modelId: pairs[0].model.id, sampler: { ...pairs[0].sampler, ...shared }, imageSize }
            : { runs: pairs.map(({ model, sampler }) => ({ modelId: model.id, sampler: { ...sampler, ...shared }, imageSize })) };
        params = editJobParamsSchema.parse({
          ...axis,
          sourcePhotoIds: resolve(tokens(values.sources), '--sources'),
          targetPhotoIds: resolve(tokens(values.targets), '--targets'),
          modes,
          meanShape: !values['no-mean-shape'],
          // whose codes (default: each run's model's estimator, else each photo's codes in use)
          sourceEstimator: values['source-estimator'],
          targetEstimator: values['target-estimator'],
          batchSize: integer(values.batch, '--batch', 4),
          scores: !values['no-scores'],
          expressionEstimator: values['expression-estimator'],
        });
      } catch (e) {
        if (e instanceof UsageError) throw e;
        throw new UsageError(`bad options: ${(e as Error).message}`);
      }
      const { jobId } = service.start(params);
      return finishTransfer(backend, service, jobId, values, io);
    });
  },
};

/** `transfer --resume JOB`: continues an interrupted, cancelled or failed transfer; a finished one only writes its outputs again. */
async function resumeTransfer(values: Record<string, unknown>, io: CliIo): Promise<number> {
  const jobId = Number(values.resume);
  if (!Number.isInteger(jobId) || jobId <= 0) throw new UsageError('--resume needs a job number');
  const given = ['model', 'sources', 'targets', 'sampler', 'steps', 'eta', 'seed', 'batch', 'image-size'].filter((flag) => values[flag] !== undefined);
  if (given.length > 0) throw new UsageError(`--resume continues job ${jobId} with its own settings; drop --${given.join(', --')}`);
  return withProject(values.project, async (backend) => {
    const open = backend.require();
    const job = open.jobs.get(jobId);
    if (job.kind !== 'edit') throw new UsageError(`job ${jobId} is a ${job.kind} job, not a transfer`);
    if (job.state !== 'done') open.jobs.resume(jobId);
    return finishTransfer(backend, new EditService(backend.edit, open.project, backend.pool, open.jobs), jobId, values, io);
  });
}

/**
 * Follows the job to its end (Ctrl-C or a kill interrupts it, resumable), then writes the grid
 * and, with --results, the export, each atomically. The summary counts the cells actually done.
 */
async function finishTransfer(backend: Backend, service: EditService, jobId: number, values: Record<string, unknown>, io: CliIo): Promise<number> {
  const open = backend.require();
  const runs = service.job(jobId).runs;
  const unsubscribe = backend.events.on((name, payload) => {
    if (name === 'edit.cell') {
      const { cell } = payload as EditCellEvent;
      const run = runs.length > 1 ? `, ${runs[cellRun(cell.idx, runs.length)].label}` : '';
      if ((payload as EditCellEvent).jobId === jobId) io.err(`transfer: cell ${cell.idx + 1} (photo ${cell.sourcePhotoId} ← ${cell.targetPhotoId ?? '-'}, ${cell.modes}${run}) ${cell.state}${cell.error ? `: ${cell.error}` : ''}`);
    }
  });
  let info: JobInfo;
  try {
    info = await followJob(backend, jobId, { onSignal: () => void open.jobs.close() });
  } finally {
    unsubscribe();
  }
  const resumeHint = `continue it with: rig-studio transfer --project ${open.project.dir} --resume ${jobId} --out ${String(values.out)}${values.results ? ` --results ${String(values.results)}` : ''}${values['scores-csv'] ? ` --scores-csv ${String(values['scores-csv'])}` : ''}`;
  const view = service.job(jobId);
  const done = view.cells.filter((c) => c.state === 'done').length;
  if (info.state === 'interrupted' || info.state === 'cancelled') {
    // The process is going away (a signal): report what is done, write nothing half-way.
    io.err(`transfer ${info.state} with ${done} of ${view.cells.length} edits done; ${resumeHint}`);
    if (values.json) io.out(JSON.stringify({ jobId, state: info.state, cells: view.cells.length, done }, null, 2));
    return 1;
  }
  if (view.results.length === 0) {
    io.err(`transfer ${info.state}: ${info.message}`);
    return 1;
  }
  const grid = await service.grid(jobId);
  await writeFileAtomic(String(values.out), Buffer.from(grid.base64, 'base64'));
  const exported = values.results ? await service.exportResults(jobId, String(values.results)) : null;
  // the lab's scripts read this file: one row per result, snake_case columns (model, sampler, steps, expression_error, …)
  if (values['scores-csv']) await writeFileAtomic(String(values['scores-csv']), scoresCsv(view.results, 'snake'));
  const summary = {
    jobId,
    state: info.state,
    out: String(values.out),
    width: grid.width,
    height: grid.height,
    cells: view.cells.length,
    done,
    runs: view.runs.map((r) => r.label),
    results: exported?.dir ?? null,
    scoresCsv: values['scores-csv'] ? String(values['scores-csv']) : null,
    scores: view.results.map((r) => ({ id: r.id, source: r.sourcePhotoId, target: r.targetPhotoId, modes: r.modes, model: r.provenance.model.name, sampler: r.provenance.sampler.method ?? 'ddim', steps: r.provenance.sampler.steps, ...r.scores })),
  };
  if (values.json) io.out(JSON.stringify(summary, null, 2));
  else io.out(`wrote ${summary.out} (${grid.width}×${grid.height}): ${done} of ${summary.cells} edits${exported ? `; results in ${exported.dir}` : ''}`);
  if (info.state !== 'done') io.err(`transfer ${info.state}: ${info.message}; ${resumeHint}`);
  return info.state === 'done' && done === view.cells.length ? 0 : 1;
}

/**
 * DDIM inversion of the source is the default (contract/edit.ts `defaultSampler`); `--no-inversion`
 * starts from the shared seeded noise as upstream's released script does, and so does η > 0
 * unless `--inversion` asks for both (which the sampler then refuses, saying why).
 */
function inversionFlag(values: Record<string, unknown>, eta: number): boolean {
  if (values['no-inversion']) return false;
  if (values.inversion) return true;
  return eta === 0;
}
