import { resolve } from 'node:path';
import type { JobInfo } from '../../../common/contract';
import type { DatasetExportParams, DatasetExportResult } from '../../train/datasetExportJob';
import { inspectTrainingLmdb } from '../../train/lmdbDataset';
import { addTrainingSet, listTrainingSets } from '../../train/trainingSets';
import type { OpenProject } from '../../library/openProject';
import type { CliIo, Command } from '../command';
import { UsageError } from '../command';
import { followJob } from '../jobs';
import { withProject } from './project';

/** Album ids of the repeated `--album NAME` flags; an unknown name lists the albums there are. */
function albumIds(open: OpenProject, names: readonly string[]): number[] {
  const albums = open.library.listAlbums();
  return names.map((name) => {
    const found = albums.find((a) => a.name === name.trim());
    if (!found) throw new Error(`no album named "${name}" (albums: ${albums.map((a) => `"${a.name}"`).join(', ') || 'none'})`);
    return found.id;
  });
}

export const datasetExportCommand: Command = {
  name: ['dataset', 'export'],
  summary:
    "Export albums as a training set in upstream DiffusionRig's LMDB layout (data.mdb with image_i, rendered_i, normal_i, albedo_i, length; mean_shape.pkl), for upstream's or the v2 PyTorch trainer; --v2 adds shape_i and identity_i. Buffers are rendered from each photo's codes with the head model in use.",
  usage: '--project DIR --album NAME [--album NAME …] --out DIR [--image-size 256] [--mean-shape] [--v2] [--estimator deca|emoca|fit] [--json]',
  options: {
    project: { type: 'string' },
    album: { type: 'string', multiple: true },
    out: { type: 'string' },
    'image-size': { type: 'string' },
    'mean-shape': { type: 'boolean' },
    v2: { type: 'boolean' },
    estimator: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run({ values, positionals }, io: CliIo) {
    if (positionals.length > 0) throw new UsageError('dataset export takes no positional arguments');
    const names = (values.album as string[] | undefined) ?? [];
    if (names.length === 0) throw new UsageError('give at least one --album NAME (repeat it for several albums)');
    if (typeof values.out !== 'string' || !values.out) throw new UsageError('--out DIR is required (a new or empty folder)');
    const size = values['image-size'] === undefined ? 256 : Number(values['image-size']);
    if (!Number.isInteger(size) || size < 8) throw new UsageError(`--image-size must be a whole number of at least 8, got '${String(values['image-size'])}'`);
    const estimator = values.estimator as string | undefined;
    if (estimator !== undefined && !['deca', 'emoca', 'fit'].includes(estimator)) throw new UsageError(`--estimator must be deca, emoca or fit, got '${estimator}'`);
    return withProject(values.project, async (backend) => {
      const open = backend.require();
      const params: DatasetExportParams = {
        albumIds: albumIds(open, names),
        out: resolve(values.out as string),
        imageSize: size,
        meanShape: Boolean(values['mean-shape']),
        layout: values.v2 ? 'v2' : 'v1',
        estimator: (estimator as DatasetExportParams['estimator'] | undefined) ?? null,
      };
      const job = open.jobs.start('dataset-export', params);
      const info = await followJob(backend, job.id, { onProgress: (j: JobInfo) => io.err(`dataset export: ${j.message}`), onSignal: () => open.jobs.cancel(job.id) });
      const result = info.result as DatasetExportResult | null;
      if (values.json) io.out(JSON.stringify({ jobId: job.id, state: info.state, message: info.message, ...(result ?? {}) }, null, 2));
      if (info.state !== 'done') {
        io.err(`dataset export ${info.state}: ${info.message}`);
        return 1;
      }
      if (!values.json) io.out(`wrote ${result!.length} records (${result!.imageSize} px, ${result!.layout}, codes from ${result!.estimators.join(', ')}) to ${result!.out}`);
      return 0;
    });
  },
};

export const datasetImportCommand: Command = {
  name: ['dataset', 'import'],
  summary:
    "Use an LMDB training set in upstream's layout (one this app exported, or one the lab built with PyTorch3D) as a training source, in place (nothing is copied). train-base takes it with --training-set NAME.",
  usage: '--project DIR --lmdb DIR [--name NAME] [--json]',
  options: { project: { type: 'string' }, lmdb: { type: 'string' }, name: { type: 'string' }, json: { type: 'boolean' } },
  async run({ values, positionals }, io: CliIo) {
    if (positionals.length > 0) throw new UsageError('dataset import takes no positional arguments');
    if (typeof values.lmdb !== 'string' || !values.lmdb) throw new UsageError('--lmdb DIR is required (the folder holding data.mdb)');
    const dir = resolve(values.lmdb);
    return withProject(values.project, async (backend) => {
      const open = backend.require();
      const info = await inspectTrainingLmdb(dir);
      const set = addTrainingSet(open.project.db, (values.name as string | undefined) ?? dir.split(/[\\/]/).filter(Boolean).at(-1)!, info);
      io.out(values.json ? JSON.stringify(set, null, 2) : `training set "${set.name}": ${set.length} records at ${set.imageSize} px${set.v2 ? ' (v2)' : ''}, ${set.path}`);
      return 0;
    });
  },
};

export const datasetListCommand: Command = {
  name: ['dataset', 'list'],
  summary: 'List the training sets a project uses in place.',
  usage: '--project DIR [--json]',
  options: { project: { type: 'string' }, json: { type: 'boolean' } },
  async run({ values, positionals }, io: CliIo) {
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    return withProject(values.project, async (backend) => {
      const sets = listTrainingSets(backend.require().project.db);
      if (values.json) io.out(JSON.stringify(sets, null, 2));
      else if (sets.length === 0) io.out('no training sets');
      else for (const s of sets) io.out(`${s.name}  ${s.length} records, ${s.imageSize} px${s.v2 ? ', v2' : ''}  ${s.path}`);
      return 0;
    });
  },
};
