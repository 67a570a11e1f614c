import type { JobInfo } from '../../../common/contract';
import type { TrainBaseJobResult, TrainBaseParams } from '../../train/trainBaseJob';
import type { CliIo, Command } from '../command';
import { parseEncoderName } from '../../../common/encoderNames';
import { UsageError } from '../command';
import { followJob } from '../jobs';
import { withProject } from './project';

function integer(values: Record<string, unknown>, flag: string, min = 1): number | undefined {
  const raw = values[flag];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${flag} must be an integer of at least ${min}, got '${String(raw)}'`);
  return n;
}

function number(values: Record<string, unknown>, flag: string, check: (n: number) => boolean, what: string): number | undefined {
  const raw = values[flag];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || !check(n)) throw new UsageError(`--${flag} must be ${what}, got '${String(raw)}'`);
  return n;
}

function list(values: Record<string, unknown>, flag: string, integers: boolean): number[] | undefined {
  const raw = values[flag];
  if (raw === undefined) return undefined;
  const parts = String(raw).split(',').map((s) => s.trim());
  const out = parts.map(Number);
  if (parts.some((s) => s === '') || out.some((n) => !(n > 0) || (integers && !Number.isInteger(n)))) throw new UsageError(`--${flag} must be a comma-separated list of positive ${integers ? 'integers' : 'numbers'}, e.g. ${integers ? '16,8' : '1,2,2'}; got '${String(raw)}'`);
  return out;
}

function eta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '';
  const s = Math.round(seconds);
  return ` · ETA ${Math.floor(s / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/** --variant upstream|emo-v2 (default upstream). */
function variantFlag(value: unknown): TrainBaseParams['variant'] | undefined {
  if (value === undefined) return undefined;
  if (value !== 'upstream' && value !== 'emo-v2') throw new UsageError(`--variant must be upstream or emo-v2 (DiffusionRig-EMO v2), not '${String(value)}'`);
  return value;
}

/** The job's parameters from the command's flags (defaults left to the contract's schema). */
export function trainBaseParamsFromFlags(values: Record<string, unknown>): Partial<TrainBaseParams> {
  const albums = (values.album as string[] | undefined) ?? [];
  const trainingSets = (values['training-set'] as string[] | undefined) ?? [];
  if (albums.length === 0 && trainingSets.length === 0) throw new UsageError('give at least one --album ID or --training-set NAME (repeat them for several), or --resume JOB');
  const albumIds = albums.flatMap((a) => a.split(',')).map((a) => {
    const n = Number(a.trim());
    if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--album must be an album id (a positive integer), got '${a}'`);
    return n;
  });
  const encoder = values.encoder as string | undefined;
  const parsed = encoder === undefined ? undefined : parseEncoderName(encoder);
  if (typeof parsed === 'string') throw new UsageError(`--encoder: ${parsed}`);
  return {
    albumIds,
    trainingSets,
    imageSize: integer(values, 'image-size', 16),
    channels: integer(values, 'channels', 8),
    channelMult: list(values, 'channel-mult', false),
    resBlocks: integer(values, 'res-blocks'),
    attentionResolutions: values.attention === 'none' ? [] : list(values, 'attention', true),
    heads: integer(values, 'heads'),
    dropout: number(values, 'dropout', (n) => n >= 0 && n < 1, 'a number in [0, 1)'),
    encoder: encoder as TrainBaseParams['encoder'] | undefined,
    latentDim: integer(values, 'latent-dim'),
    variant: variantFlag(values.variant),
    steps: integer(values, 'steps'),
    batchSize: integer(values, 'batch-size', 2),
    learningRate: number(values, 'lr', (n) => n > 0, 'a positive number'),
    seed: integer(values, 'seed', 0),
    checkpointInterval: integer(values, 'checkpoint-interval'),
    checkpointMinutes: number(values, 'checkpoint-minutes', (n) => n > 0, 'a positive number'),
    name: values.name as string | undefined,
  };
}

export const trainBaseCommand: Command = {
  name: ['train-base'],
  summary:
    'Stage-1 training of a fresh DiffusionRig model (UNet and encoder jointly, upstream\'s loss) on one or more albums and imported LMDB training sets (runs the train-base job headless; progress on stderr). Ctrl-C cancels and keeps the run state; --resume JOB continues it. The result is registered as a base model.',
  usage:
    '--project DIR --album ID [--album ID …] [--training-set NAME …] [--image-size 64] [--channels 32] [--channel-mult 1,2,3,4] [--res-blocks 2] [--attention 16|none] [--heads 1] [--dropout 0.1] [--encoder resnet18|resnet50|resnet10-w16] [--latent-dim 64] [--variant upstream|emo-v2] [--steps 50000] [--batch-size 8] [--lr 1e-4] [--seed 0] [--checkpoint-interval 1000] [--checkpoint-minutes 10] [--name NAME] [--json]\n       --project DIR --resume JOB [--json]',
  options: {
    project: { type: 'string' },
    album: { type: 'string', multiple: true },
    'training-set': { type: 'string', multiple: true },
    'image-size': { type: 'string' },
    channels: { type: 'string' },
    'channel-mult': { type: 'string' },
    'res-blocks': { type: 'string' },
    attention: { type: 'string' },
    heads: { type: 'string' },
    dropout: { type: 'string' },
    encoder: { type: 'string' },
    'latent-dim': { type: 'string' },
    variant: { type: 'string' },
    steps: { type: 'string' },
    'batch-size': { type: 'string' },
    lr: { type: 'string' },
    seed: { type: 'string' },
    'checkpoint-interval': { type: 'string' },
    'checkpoint-minutes': { type: 'string' },
    name: { type: 'string' },
    resume: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run({ values, positionals }, io: CliIo) {
    if (positionals.length > 0) throw new UsageError('train-base takes no positional arguments');
    const resume = integer(values, 'resume');
    const params = resume === undefined ? trainBaseParamsFromFlags(values) : undefined;
    return withProject(values.project, async (backend) => {
      const open = backend.require();
      const job = resume === undefined ? open.jobs.start('train-base', params) : open.jobs.resume(resume);
      let lastMessage = '';
      const onProgress = (info: JobInfo) => {
        if (info.message === lastMessage) return;
        lastMessage = info.message;
        io.err(`train-base: ${info.message}${eta(info.etaSeconds)}`);
      };
      const interrupt = () => {
        io.err('train-base: cancelling (the run state is kept)…');
        open.jobs.cancel(job.id);
      };
      const info = await followJob(backend, job.id, { onProgress, onSignal: interrupt });
      const result = info.result as TrainBaseJobResult | null;
      if (values.json) io.out(JSON.stringify({ jobId: job.id, state: info.state, message: info.message, ...(result ?? {}) }, null, 2));
      if (info.state !== 'done') {
        io.err(`train-base ${info.state}: ${info.message}`);
        if (info.state === 'cancelled' || info.state === 'interrupted') io.err(`resume with: rig-studio train-base --project ${String(values.project)} --resume ${job.id}`);
        return 1;
      }
      if (!values.json) {
        const m = result!.model!;
        io.out(`registered base model ${m.id} "${m.name}" after ${result!.step} steps (final loss ${result!.loss?.toFixed(4)}), ${m.filePath}`);
      }
      return 0;
    });
  },
};
