import { resolve } from 'node:path';
import { Backend } from '../../app/backend';
import { openDemoProject } from '../../app/demo';
import { importDemoDataset } from '../../app/demo/datasetImport';
import { writeDemoDataset } from '../../app/demo/datasetFiles';
import { albumIdFromFlags } from '../albums';
import type { CliIo, Command } from '../command';
import { UsageError } from '../command';
import { withProject } from './project';

function wholeNumber(value: unknown, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new UsageError(`${flag} must be a whole number, got '${String(value)}'`);
  return n;
}

/** `rig-studio demo dataset`: render a generated dataset of demo-head photos with exact codes and buffers. */
export const demoDatasetCommand: Command = {
  name: ['demo', 'dataset'],
  summary:
    'Render a dataset of demo-head photos (procedural head, not FLAME) with codes drawn across wide ranges (identity, every expression component and the jaw, head pose, camera, SH light) over varied backgrounds, ' +
    'writing DIR/images/*.png, exact buffers DIR/buffers/*.npz and the codes (DIR/codes.json, DIR/codes.npz). Deterministic per seed; running it again finishes a killed run. ' +
    'With --project and --album also imports the photos with their exact codes as estimates.',
  usage: '--out DIR [--count 100] [--size 256] [--seed 0] [--project DIR (--album NAME [--create-album] | --album-id N)] [--json]',
  options: {
    out: { type: 'string' },
    count: { type: 'string' },
    size: { type: 'string' },
    seed: { type: 'string' },
    project: { type: 'string' },
    album: { type: 'string' },
    'album-id': { type: 'string' },
    'create-album': { type: 'boolean' },
    json: { type: 'boolean' },
  },
  async run({ values, positionals }, io: CliIo) {
    if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    if (!values.out) throw new UsageError('give the output folder with --out DIR');
    const request = {
      outDir: resolve(values.out as string),
      count: wholeNumber(values.count, '--count', 100),
      size: wholeNumber(values.size, '--size', 256),
      seed: wholeNumber(values.seed, '--seed', 0),
    };
    const importing = values.project !== undefined;
    if (!importing && (values.album !== undefined || values['album-id'] !== undefined)) throw new UsageError('--album needs --project DIR');
    const controller = new AbortController();
    const stop = () => controller.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    try {
      const backend = new Backend({ mode: 'serve' });
      let report;
      try {
        report = await writeDemoDataset(request, {
          pool: backend.pool,
          signal: controller.signal,
          onProgress: (done, total) => { if (done === total || done % 10 === 0) io.err(`demo dataset: ${done}/${total} photos`); },
        });
      } finally {
        await backend.close();
      }
      const summary: Record<string, unknown> = { outDir: request.outDir, count: request.count, size: request.size, seed: request.seed, rendered: report.rendered, kept: report.kept };
      if (importing) {
        summary.import = await withProject(values.project, async (projectBackend) => {
          const open = projectBackend.require();
          const albumId = albumIdFromFlags(open, values, { canCreate: true });
          return importDemoDataset(open, albumId, request.outDir, report.index);
        });
      }
      if (values.json) io.out(JSON.stringify(summary, null, 2));
      else {
        io.out(`wrote ${request.count} demo photos of ${request.size} px (seed ${request.seed}) to ${request.outDir}: ${report.rendered} rendered, ${report.kept} from an earlier run`);
        const imported = summary.import as { albumId: number; imported: number; duplicates: number; estimated: number } | undefined;
        if (imported) io.out(`imported into album ${imported.albumId}: ${imported.imported} new, ${imported.duplicates} already there, ${imported.estimated} given their exact codes`);
      }
      return 0;
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
  },
};

/** `rig-studio demo create DIR`: the demo project, headless (the same steps as the app's first start). */
export const demoCreateCommand: Command = {
  name: ['demo', 'create'],
  summary: 'Create (or finish, or update) the Rig Studio demo project in DIR: the Demo album of synthetic demo-head photos with their exact codes, as the app makes it on first start.',
  usage: 'DIR [--json]',
  options: { json: { type: 'boolean' } },
  async run({ values, positionals }, io: CliIo) {
    if (positionals.length !== 1) throw new UsageError('give exactly one project folder');
    const dir = resolve(positionals[0]);
    const backend = new Backend({ mode: 'serve' });
    try {
      const info = await openDemoProject(backend, dir);
      const open = backend.require();
      const albums = open.library.listAlbums();
      if (values.json) io.out(JSON.stringify({ ...info, albums }, null, 2));
      else {
        io.out(`demo project ${info.name} in ${info.dir}`);
        for (const album of albums) io.out(`  album ${album.id} "${album.name}": ${album.photoCount} photos`);
      }
      return 0;
    } finally {
      await backend.close();
    }
  },
};
