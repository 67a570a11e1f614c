import type { EngineInfo, EngineSession, JobInfo, ModelInfo } from '../../../common/contract';

/** "107.5 M parameters" style counts: 11,209,344 → "11.2 M". */
export function formatCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} k`;
  return String(n);
}

/** Bytes in binary units: 50,939,909 → "48.6 MiB". */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

export const kindLabels: Record<ModelInfo['kind'], string> = {
  base: 'Stage 1',
  personalized: 'Personalised',
};

/** What the details panel says about the checkpoint file, or null when it is fine. */
export function fileWarning(model: Pick<ModelInfo, 'fileStatus' | 'filePath'>): string | null {
  if (model.fileStatus === 'missing') return `The checkpoint file is gone: ${model.filePath}. Import it again from where it is now.`;
  if (model.fileStatus === 'changed') return `The checkpoint file has changed since it was imported: ${model.filePath}. Import it again to register the new weights.`;
  return null;
}

/** A lineage value in a few words: long arrays (photo ids, a mean shape) are shortened to their length and first items. */
function lineageValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.length > 6) {
    const head = value.slice(0, 3).map((v) => (typeof v === 'number' && !Number.isInteger(v) ? v.toPrecision(4) : JSON.stringify(v)));
    return `${value.length} values (${head.join(', ')}, …)`;
  }
  return JSON.stringify(value);
}

/** Lineage as label/value rows, in the order training wrote them. */
export function lineageRows(lineage: Record<string, unknown> | null): [string, string][] {
  if (!lineage) return [];
  return Object.entries(lineage).map(([key, value]) => [key, lineageValue(value)]);
}

/** "cuda → dml → coreml → cpu". */
export function formatOrder(order: readonly string[]): string {
  return order.join(' → ');
}

/** One line on what ran a session: "cpu (cuda skipped: …)", or why nothing could. */
export function describeSession(session: EngineSession | null): string {
  if (!session) return 'No model has run in this session of the app yet.';
  const skipped = session.skipped.map((s) => s.provider).join(', ');
  if (session.provider === null) return `No provider could run ${session.model} (tried ${skipped}).`;
  const precision = session.float16 ? ', float16' : '';
  return `${session.provider}${precision}${skipped ? ` — skipped ${skipped}` : ''}`;
}

/** The first line of a reason (onnxruntime's errors can run over many lines). */
export function shortReason(reason: string): string {
  const first = reason.split('\n').find((line) => line.trim()) ?? reason;
  return first.length > 240 ? `${first.slice(0, 239)}…` : first;
}

/** Where the provider order comes from, for the Engine panel. */
export function orderSourceText(info: Pick<EngineInfo, 'orderSource' | 'orderError'>): string {
  if (info.orderError) return `${info.orderError} — using the default order`;
  return info.orderSource === 'environment' ? 'set by RIG_STUDIO_PROVIDERS' : 'default (set RIG_STUDIO_PROVIDERS, e.g. "cuda,cpu", to change it)';
}

/** The model-import jobs among the given ids, newest first. */
export function importJobs(jobs: readonly JobInfo[], ids: ReadonlySet<number>): JobInfo[] {
  return jobs.filter((j) => j.kind === 'model-import' && ids.has(j.id)).sort((a, b) => b.id - a.id);
}

/** The model id a finished model-import job registered (or found already registered). */
export function importedModelId(job: Pick<JobInfo, 'state' | 'result'>): number | null {
  if (job.state !== 'done' || typeof job.result !== 'object' || job.result === null) return null;
  const model = (job.result as { model?: { id?: unknown } }).model;
  return typeof model?.id === 'number' ? model.id : null;
}

/** The file name at the end of a path (either separator). */
export function fileName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/** The name a model gets by default: its file name without the checkpoint extension (as the backend names it). */
export function defaultModelName(path: string): string {
  const file = fileName(path);
  const stripped = file.replace(/\.(pt|pth|tar|ckpt|bin|safetensors|npz)$/i, '').replace(/\.(pt|pth)$/i, '');
  return stripped || file;
}
