import { writeFileSync } from 'node:fs';
import type { EditCellEvent, EditJobParams, JobInfo, SamplerMethod } from '../../../common/contract';
import { editJobParamsSchema, parseSamplerSpec } from '../../../common/contract';
import { parseModeSet } from '../../edit/codes';
import { EditService } from '../../edit/service';
import { ModelRegistry } from '../../models/registry';
import type { CliIo, Command } from '../command';
import { UsageError } from '../command';
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

/** --sampler NAME:STEPS (ddim:20, dpm++:10); --steps N alone is DDIM's steps, as before the sampler flag. */
export function samplerFlag(values: Record<string, unknown>): { method: SamplerMethod; steps: number } {
  if (values.sampler === undefined) return { method: 'ddim', steps: integer(values.steps, '--steps', 20) };
  if (values.steps !== undefined) throw new UsageError('give the steps in --sampler (e.g. --sampler dpm++:10), not also --steps');
  const parsed = parseSamplerSpec(String(values.sampler));
  if (typeof parsed === 'string') throw new UsageError(`--sampler: ${parsed}`);
  return parsed;
}

/** `rig-studio transfer`: the Edit studio's job, headless, writing the comparison grid. */
export const transferCommand: Command = {
  name: ['transfer'],
  summary:
    'Transfer expression / pose / light / appearance from target photos to source photos with a DiffusionRig model (sources × targets × modes, as the Edit view) and write the comparison grid PNG. Sources and targets are photo ids or album names (an album means its photos with FLAME codes). Progress on stderr.',
  usage:
    '--project DIR --model ID|NAME|FILE --sources LIST --targets LIST [--modes exp,pose,light,latent|exp+pose] --out grid.png [--sampler ddim:20|dpm++:10] [--steps 20] [--eta 0] [--seed 0] [--no-clip] [--no-inversion] [--no-mean-shape] [--source-estimator deca|emoca|fit] [--target-estimator deca|emoca|fit] [--batch 4] [--image-size N] [--no-scores] [--results DIR] [--json]',
  options: {
    project: { type: 'string' },
    model: { type: 'string' },
    sources: { type: 'string', multiple: true },
    targets: { type: 'string', multiple: true },
    modes: { type: 'string', default: 'exp,pose,light' },
    out: { type: 'string' },
    sampler: { type: 'string' },
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
    results: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run({ values, positionals }, io: CliIo) {
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
    if (!values.model) throw new UsageError('--model ID|NAME|FILE is required (a model id, its name, or its checkpoint file name)');
    if (!values.out) throw new UsageError('--out grid.png is required');
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
    const sampler = samplerFlag(values);
    if (sampler.method === 'dpm++' && eta !== 0) throw new UsageError('--eta: DPM-Solver++ is deterministic (η must be 0)');
    return withProject(values.project, async (backend) => {
      const open = backend.require();
      const service = new EditService(backend.edit, open.project, backend.pool, open.jobs);
      const models = service.models();
      let found;
      try {
        found = new ModelRegistry(open.project.db).find(String(values.model));
      } catch (e) {
        throw new UsageError(`--model: ${(e as Error).message}`);
      }
      const model = found && models.find((m) => m.id === found.id);
      if (!model) throw new UsageError(`no model '${String(values.model)}' in this project (registered: ${models.map((m) => `${m.id} ${m.name}`).join(', ') || 'none'}; use rig-studio model import)`);
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
        params = editJobParamsSchema.parse({
          modelId: model.id,
          sourcePhotoIds: resolve(tokens(values.sources), '--sources'),
          targetPhotoIds: resolve(tokens(values.targets), '--targets'),
          modes,
          meanShape: !values['no-mean-shape'],
          // whose codes (default: the model's estimator, else each photo's codes in use)
          sourceEstimator: values['source-estimator'],
          targetEstimator: values['target-estimator'],
          sampler: { ...sampler, eta, seed: integer(values.seed, '--seed', 0), clip: !values['no-clip'], inversion: inversionFlag(values, eta) },
          imageSize: values['image-size'] === undefined ? undefined : integer(values['image-size'], '--image-size', 0),
          batchSize: integer(values.batch, '--batch', 4),
          scores: !values['no-scores'],
        });
      } catch (e) {
        if (e instanceof UsageError) throw e;
        throw new UsageError(`bad options: ${(e as Error).message}`);
      }
      const { jobId } = service.start(params);
      const unsubscribe = backend.events.on((name, payload) => {
        if (name === 'edit.cell') {
          const { cell } = payload as EditCellEvent;
          if ((payload as EditCellEvent).jobId === jobId) io.err(`transfer: cell ${cell.idx + 1} (photo ${cell.sourcePhotoId} ← ${cell.targetPhotoId ?? '-'}, ${cell.modes}) ${cell.state}${cell.error ? `: ${cell.error}` : ''}`);
        }
      });
      let info: JobInfo;
      try {
        info = await open.jobs.wait(jobId);
      } finally {
        unsubscribe();
      }
      const view = service.job(jobId);
      if (view.results.length === 0) {
        io.err(`transfer ${info.state}: ${info.message}`);
        return 1;
      }
      const grid = await service.grid(jobId);
      writeFileSync(String(values.out), Buffer.from(grid.base64, 'base64'));
      const exported = values.results ? await service.exportResults(jobId, String(values.results)) : null;
      const summary = { jobId, state: info.state, out: String(values.out), width: grid.width, height: grid.height, cells: view.cells.length, done: view.results.length, results: exported?.dir ?? null, scores: view.results.map((r) => ({ id: r.id, source: r.sourcePhotoId, target: r.targetPhotoId, modes: r.modes, ...r.scores })) };
      if (values.json) io.out(JSON.stringify(summary, null, 2));
      else io.out(`wrote ${summary.out} (${grid.width}×${grid.height}): ${summary.done} of ${summary.cells} edits${exported ? `; results in ${exported.dir}` : ''}`);
      return info.state === 'done' && view.cells.every((c) => c.state === 'done') ? 0 : 1;
    });
  },
};

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
