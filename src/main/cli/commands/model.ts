import type { ModelImportResult } from '../../models/modelImportJob';
import { ModelRegistry } from '../../models/registry';
import type { CliIo, Command } from '../command';
import { UsageError } from '../command';
import { followJob } from '../jobs';
import { overridesFromFlags } from './inspectCheckpoint';
import { withProject } from './project';

function summary(result: ModelImportResult): string {
  const m = result.model;
  const u = m.config.unet;
  return `${result.created ? 'registered' : 'already registered:'} model ${m.id} "${m.name}" (${(m.sizeBytes / 1e6).toFixed(1)} MB, ${m.parameterCount.toLocaleString('en-US')} parameters, ${u.modelChannels} channels × (${u.channelMult.join(',')}), sha256 ${m.sha256.slice(0, 12)}…)`;
}

export const modelImportCommand: Command = {
  name: ['model', 'import'],
  summary: 'Register a DiffusionRig checkpoint in a project (runs as a job: read, check keys, infer the architecture, hash). The file stays where it is. Progress goes to stderr.',
  usage: '--project DIR [--name NAME] [--image-size N] [--num-heads N | --num-head-channels N] [--new-attention-order] [--json] FILE',
  options: {
    project: { type: 'string' },
    name: { type: 'string' },
    json: { type: 'boolean' },
    'num-heads': { type: 'string' },
    'num-head-channels': { type: 'string' },
    'new-attention-order': { type: 'boolean' },
    'image-size': { type: 'string' },
  },
  async run({ values, positionals }, io: CliIo) {
    if (positionals.length !== 1) throw new UsageError('give exactly one checkpoint file');
    const overrides = overridesFromFlags(values);
    const imageSize = values['image-size'] === undefined ? undefined : Number(values['image-size']);
    if (imageSize !== undefined && !(Number.isInteger(imageSize) && imageSize >= 16 && imageSize <= 1024)) throw new UsageError(`--image-size must be a whole number of pixels from 16 to 1024, got ${String(values['image-size'])}`);
    return withProject(values.project, async (backend) => {
      const open = backend.require();
      const job = open.jobs.start('model-import', { path: positionals[0], name: values.name as string | undefined, overrides, imageSize });
      const info = await followJob(backend, job.id, { onProgress: (update) => io.err(`model import: ${update.message}`) });
      if (info.state !== 'done') {
        io.err(`model import ${info.state}: ${info.message}`);
        return 1;
      }
      const result = info.result as ModelImportResult;
      io.out(values.json ? JSON.stringify({ jobId: job.id, ...result }, null, 2) : summary(result));
      return 0;
    });
  },
};

export const modelListCommand: Command = {
  name: ['model', 'list'],
  summary: 'List the models registered in a project.',
  usage: '--project DIR [--json]',
  options: { project: { type: 'string' }, json: { type: 'boolean' } },
  async run({ values, positionals }, io: CliIo) {
    if (positionals.length > 0) throw new UsageError('model list takes no arguments');
    return withProject(values.project, async (backend) => {
      const models = new ModelRegistry(backend.require().project.db).list();
      if (values.json) io.out(JSON.stringify(models, null, 2));
      else if (models.length === 0) io.out('no models registered');
      else for (const m of models) io.out(`${String(m.id).padStart(4)}  ${m.kind.padEnd(12)} ${m.name}  (${m.parameterCount.toLocaleString('en-US')} parameters, ${m.sourcePath})`);
      return 0;
    });
  },
};
