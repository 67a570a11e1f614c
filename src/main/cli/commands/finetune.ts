import type { JobInfo } from '../../../common/contract';
import type { FinetuneJobResult, FinetuneParams } from '../../train/finetuneJob';
import { exportTorchCheckpoint } from '../../train/personalised';
import type { CliIo, Command } from '../command';
import { UsageError } from '../command';
import { followJob } from '../jobs';
import { withProject } from './project';

function positiveInteger(values: Record<string, unknown>, flag: string): number | undefined {
  const raw = values[flag];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--${flag} must be a positive integer, got '${String(raw)}'`);
  return n;
}

function positiveNumber(values: Record<string, unknown>, flag: string): number | undefined {
  const raw = values[flag];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!(n > 0) || !Number.isFinite(n)) throw new UsageError(`--${flag} must be a positive number, got '${String(raw)}'`);
  return n;
}

function precisionFlag(raw: unknown): FinetuneParams['precision'] | undefined {
  if (raw === undefined) return undefined;
  if (raw === 'float32' || raw === 'mixed-float16') return raw;
  throw new UsageError(`--precision must be float32 or mixed-float16, got '${String(raw)}'`);
}

function eta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '';
  const s = Math.round(seconds);
  return ` · ETA ${Math.floor(s / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

export const finetuneCommand: Command = {
  name: ['finetune'],
  summary:
    'Stage-2 fine-tuning of a registered model on an album (runs the finetune job headless; progress on stderr). Ctrl-C cancels and keeps the run state; --resume JOB continues it. The result is registered as a personalised model; --export-pt also writes it as an upstream PyTorch checkpoint.',
  usage:
    '--project DIR --album ID --model ID [--training-set NAME …] [--steps 5000] [--batch-size 4] [--lr 1e-5] [--seed 0] [--checkpoint-interval 500] [--checkpoint-minutes 10] [--image-size N] [--name NAME] [--precision float32|mixed-float16] [--recompute] [--train-encoder | --freeze-encoder] [--export-pt FILE] [--json]\n       --project DIR --resume JOB [--export-pt FILE] [--json]',
  options: {
    project: { type: 'string' },
    album: { type: 'string' },
    'training-set': { type: 'string', multiple: true },
    model: { type: 'string' },
    steps: { type: 'string' },
    'batch-size': { type: 'string' },
    lr: { type: 'string' },
    seed: { type: 'string' },
    'checkpoint-interval': { type: 'string' },
    'checkpoint-minutes': { type: 'string' },
    'image-size': { type: 'string' },
    name: { type: 'string' },
    resume: { type: 'string' },
    'export-pt': { type: 'string' },
    precision: { type: 'string' },
    recompute: { type: 'boolean' },
    'train-encoder': { type: 'boolean' },
    'freeze-encoder': { type: 'boolean' },
    json: { type: 'boolean' },
  },
  async run({ values, positionals }, io: CliIo) {
    if (positionals.length > 0) throw new UsageError('finetune takes no positional arguments');
    const resume = positiveInteger(values, 'resume');
    let params: Partial<FinetuneParams> | undefined;
    if (resume === undefined) {
      const albumId = positiveInteger(values, 'album');
      const modelId = positiveInteger(values, 'model');
      if (albumId === undefined || modelId === undefined) throw new UsageError('give --album and --model (or --resume JOB)');
      const lr = values.lr === undefined ? undefined : Number(values.lr);
      if (lr !== undefined && !(lr > 0)) throw new UsageError(`--lr must be a positive number, got '${String(values.lr)}'`);
      const seed = values.seed === undefined ? undefined : Number(values.seed);
      if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0)) throw new UsageError(`--seed must be a non-negative integer, got '${String(values.seed)}'`);
      params = {
        albumId,
        modelId,
        steps: positiveInteger(values, 'steps'),
        batchSize: positiveInteger(values, 'batch-size'),
        learningRate: lr,
        seed,
        checkpointInterval: positiveInteger(values, 'checkpoint-interval'),
        checkpointMinutes: positiveNumber(values, 'checkpoint-minutes'),
        imageSize: positiveInteger(values, 'image-size'),
        name: values.name as string | undefined,
        precision: precisionFlag(values.precision),
        recompute: values.recompute === true ? true : undefined,
        trainingSets: (values['training-set'] as string[] | undefined) ?? undefined,
        // default: the encoder trains for DiffusionRig-EMO v2 models, stays frozen for upstream ones
        trainEncoder: values['train-encoder'] ? true : values['freeze-encoder'] ? false : undefined,
      };
      if (values['train-encoder'] && values['freeze-encoder']) throw new UsageError('--train-encoder and --freeze-encoder contradict each other');
    }
    return withProject(values.project, async (backend) => {
      const open = backend.require();
      const job = resume === undefined ? open.jobs.start('finetune', params) : open.jobs.resume(resume);
      let lastMessage = '';
      const onProgress = (info: JobInfo) => {
        if (info.message === lastMessage) return;
        lastMessage = info.message;
        io.err(`finetune: ${info.message}${eta(info.etaSeconds)}`);
      };
      const interrupt = () => {
        io.err('finetune: cancelling (the run state is kept)…');
        open.jobs.cancel(job.id);
      };
      const info = await followJob(backend, job.id, { onProgress, onSignal: interrupt });
      const result = info.result as FinetuneJobResult | null;
      if (values.json) io.out(JSON.stringify({ jobId: job.id, state: info.state, message: info.message, ...(result ?? {}) }, null, 2));
      if (info.state !== 'done') {
        io.err(`finetune ${info.state}: ${info.message}`);
        if (info.state === 'cancelled' || info.state === 'interrupted') io.err(`resume with: rig-studio finetune --project ${String(values.project)} --resume ${job.id}`);
        return 1;
      }
      if (values['export-pt']) {
        exportTorchCheckpoint(result!.model!, values['export-pt'] as string);
        io.err(`finetune: wrote ${String(values['export-pt'])} (upstream PyTorch format)`);
      }
      if (!values.json) {
        const m = result!.model!;
        io.out(`registered personalised model ${m.id} "${m.name}" after ${result!.step} steps (final loss ${result!.loss?.toFixed(4)}), ${m.filePath}`);
      }
      return 0;
    });
  },
};
