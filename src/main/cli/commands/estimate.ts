import { resolve } from 'node:path';
import type { JobInfo } from '../../../common/contract';
import type { OpenProject } from '../../library/openProject';
import { checkEstimator, estimatorSpecFor, readChoice } from '../../estimate/estimatorChoice';
import type { EstimateJobResult } from '../../estimate/estimateJob';
import { ModelAssetStore } from '../../flame/assets';
import type { EstimatorSpec } from '../../estimate/task';
import type { CliIo, Command } from '../command';
import { albumIdFromFlags } from '../albums';
import { UsageError } from '../command';
import { followJob } from '../jobs';
import { withProject } from './project';

/** Exit code when the job finished but some photos have no estimate. */
export const exitSomePhotosFailed = 3;

/** Flags that name an estimator's files: given without --estimator, they choose it (as before Settings had a choice). */
const estimatorFileFlags = ['checkpoint', 'config', 'flame-model', 'deca-data'] as const;

/** The estimator a run uses and a line saying which it is and where the choice came from. */
interface ChosenEstimator {
  spec: EstimatorSpec;
  summary: string;
  source: 'project' | 'command line';
}

/**
 * The estimator for a new job: the one the command line names (--estimator, or files that imply
 * one), else the project's saved choice (Settings), landmark fitting then fitting the FLAME file
 * from Settings as the app does. A saved choice whose files fail their check is refused by name.
 */
function estimatorOf(values: Record<string, unknown>, open: OpenProject, dataDir: string): ChosenEstimator {
  const assets = new ModelAssetStore(dataDir).current();
  if (values.estimator === undefined && estimatorFileFlags.every((flag) => values[flag] === undefined)) {
    const choice = readChoice(open.project.db);
    return { spec: estimatorSpecFor(choice, assets), summary: checkEstimator(choice, assets).summary, source: 'project' };
  }
  const spec = specOf(values);
  const summary = spec.kind === 'fit' ? checkEstimator({ kind: 'fit' }, { modelPath: spec.flameModel, decaDataDir: spec.decaDataDir }).summary : checkEstimator(spec, assets).summary;
  return { spec, summary, source: 'command line' };
}

function specOf(values: Record<string, unknown>): EstimatorSpec {
  const kind = (values.estimator as string | undefined) ?? (values.checkpoint ? 'deca' : 'fit');
  const path = (key: string) => (values[key] === undefined ? undefined : resolve(values[key] as string));
  if (kind === 'deca') {
    const checkpoint = path('checkpoint');
    if (!checkpoint) throw new UsageError('--estimator deca needs --checkpoint deca_model.tar');
    return { kind, checkpoint };
  }
  if (kind === 'emoca') {
    const checkpoint = path('checkpoint');
    const config = path('config');
    if (!checkpoint || !config) throw new UsageError('--estimator emoca needs --checkpoint FILE.ckpt and --config cfg.yaml');
    return { kind, checkpoint, config };
  }
  if (kind === 'fit') return { kind, flameModel: path('flame-model') ?? null, decaDataDir: path('deca-data') ?? null };
  throw new UsageError(`unknown estimator '${kind}' (deca, emoca or fit)`);
}

function faceChoicesOf(values: Record<string, unknown>): { photoId: number; faceIndex: number }[] {
  return ((values.face as string[] | undefined) ?? []).map((text) => {
    const m = /^(\d+):(\d+)$/.exec(text);
    if (!m) throw new UsageError(`--face takes PHOTO:INDEX (e.g. 12:1), got '${text}'`);
    return { photoId: Number(m[1]), faceIndex: Number(m[2]) };
  });
}

/** `rig-studio estimate`: runs the estimation job headless, progress on stderr. */
export const estimateCommand: Command = {
  name: ['estimate'],
  summary:
    'Estimate FLAME codes for the photos of an album (detect, landmarks, FFHQ alignment, emotion, then DECA, EMOCA or landmark fitting; by default the project\'s estimator from Settings, named on stderr). ' +
    `Exit 0 when every photo got an estimate, ${exitSomePhotosFailed} when some could not (no face, several faces, too small), 1 when the job did not finish.`,
  usage:
    '--project DIR (--album NAME | --album-id N) [--estimator fit|deca|emoca (default: the project choice in Settings)] [--checkpoint FILE] [--config cfg.yaml] [--flame-model FILE --deca-data DIR] [--redo] [--face PHOTO:INDEX]... [--json]\n' +
    'rig-studio estimate --project DIR --resume JOB [--json]',
  options: {
    project: { type: 'string' },
    album: { type: 'string' },
    'album-id': { type: 'string' },
    estimator: { type: 'string' },
    checkpoint: { type: 'string' },
    config: { type: 'string' },
    'flame-model': { type: 'string' },
    'deca-data': { type: 'string' },
    redo: { type: 'boolean' },
    face: { type: 'string', multiple: true },
    resume: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run({ values, positionals }, io: CliIo) {
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    return withProject(values.project, async (backend) => {
      const open = backend.require();
      let jobId: number;
      let chosen: ChosenEstimator | null = null;
      if (values.resume !== undefined) {
        jobId = Number(values.resume);
        if (!Number.isInteger(jobId) || jobId <= 0) throw new UsageError('--resume needs a job number');
        if (open.jobs.get(jobId).kind !== 'estimate') throw new Error(`job ${jobId} is not an estimation job`);
        open.jobs.resume(jobId);
      } else {
        const albumId = albumIdFromFlags(open, values);
        chosen = estimatorOf(values, open, backend.dataDir);
        const faceChoices = faceChoicesOf(values);
        io.err(`estimate: estimator ${chosen.summary} (${chosen.source === 'project' ? "the project's choice in Settings; --estimator overrides it" : 'from the command line'})`);
        jobId = open.jobs.start('estimate', { albumId, estimator: chosen.spec, redo: values.redo === true, faceChoices }).id;
      }
      let lastPrinted = 0;
      const onProgress = (job: JobInfo) => {
        if (Date.now() - lastPrinted < 1000) return;
        lastPrinted = Date.now();
        io.err(`estimate: ${job.progress === null ? '' : `${Math.floor(job.progress * 100)}% `}${job.message}${job.etaSeconds === null ? '' : `, ETA ${job.etaSeconds}s`}`);
      };
      const info = await followJob(backend, jobId, { onProgress, onSignal: () => void open.jobs.close() });
      const result = info.result as EstimateJobResult | null;
      const estimator = chosen && { kind: chosen.spec.kind, summary: chosen.summary, source: chosen.source };
      if (values.json) io.out(JSON.stringify({ jobId, state: info.state, message: info.message, ...(estimator ? { estimator } : {}), ...(result ?? {}) }, null, 2));
      else {
        io.out(`job ${jobId} ${info.state}: ${info.message}`);
        if (estimator) io.out(`  estimator       ${estimator.summary} (${estimator.source})`);
        for (const [state, n] of Object.entries(result?.counts ?? {})) io.out(`  ${state.padEnd(15)} ${n}`);
        for (const p of result?.problems ?? []) io.out(`  photo ${p.photoId}: ${p.state}${p.reason ? ` (${p.reason})` : ''}`);
        const f = result?.fitting;
        if (f) {
          io.out(`  landmark fitting: ${f.photos} photo(s), RMS ${f.meanInitialError.toFixed(2)} → ${f.meanFinalError.toFixed(2)} px (aligned 256 frame), ${f.meanIterations.toFixed(1)} iterations, ${f.meanMilliseconds.toFixed(0)} ms per photo`);
        }
      }
      if (info.state !== 'done') {
        io.err(`the estimation did not finish (${info.state}); continue it with: rig-studio estimate --project ${open.project.dir} --resume ${jobId}`);
        return 1;
      }
      return result && result.problems.length > 0 ? exitSomePhotosFailed : 0;
    });
  },
};
