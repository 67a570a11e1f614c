import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { writeFileAtomic } from '../../library/atomicFile';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { ModelAssetStore } from '../../flame/assets';
import { HeadExporter } from '../../texture/service';
import type { HeadExportFormat } from '../../texture/task';
import { defaultDemoHeadDir, flameFilesFrom } from '../../head/activeModel';
import type { CliIo, Command } from '../command';
import { UsageError } from '../command';
import { withProject } from './project';

const formats: Record<string, HeadExportFormat> = { '.obj': 'obj', '.glb': 'glb', '.gltf': 'gltf' };

function positiveInteger(value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${flag} must be a positive integer, got ${String(value)}`);
  return n;
}

/** The folder `out` goes into must exist and be writable; says which and why otherwise. */
async function checkWritable(out: string): Promise<void> {
  const dir = dirname(out);
  const info = await stat(dir).catch(() => null);
  if (!info?.isDirectory()) throw new Error(`cannot write ${out}: the folder ${dir} does not exist`);
  try {
    await access(dir, constants.W_OK);
  } catch {
    throw new Error(`cannot write ${out}: the folder ${dir} is not writable`);
  }
  if ((await stat(out).catch(() => null))?.isDirectory()) throw new Error(`cannot write ${out}: it is a folder`);
}

const writeProblems: Record<string, string> = { EACCES: 'permission denied', EPERM: 'permission denied', EISDIR: 'it is a folder', ENOSPC: 'the disk is full', EROFS: 'the file system is read-only' };

/** `rig-studio export-head`: a photo's (or edit result's) fitted head with the photo's texture. */
export const exportHeadCommand: Command = {
  name: ['export-head'],
  summary:
    "Export a photo's fitted head (its codes in use) with a UV texture sampled from its aligned crop through the fitted camera, or an edit result's head over its generated image: OBJ (+ MTL + PNG beside it), .glb or .gltf (texture embedded). Uses the head model from Settings (else the demo head).",
  usage: '--project DIR (--photo ID | --result ID) --out FILE.(obj|glb|gltf) [--texture-size 512] [--json]',
  options: {
    project: { type: 'string' },
    photo: { type: 'string' },
    result: { type: 'string' },
    out: { type: 'string' },
    'texture-size': { type: 'string' },
    json: { type: 'boolean' },
  },
  async run({ values, positionals }, io: CliIo) {
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
    const photoId = positiveInteger(values.photo, '--photo');
    const resultId = positiveInteger(values.result, '--result');
    if (photoId === undefined && resultId === undefined) throw new UsageError('give --photo ID or --result ID');
    if (!values.out) throw new UsageError('--out FILE.(obj|glb|gltf) is required');
    const out = resolve(String(values.out));
    const format = formats[extname(out).toLowerCase()];
    if (!format) throw new UsageError(`--out must end in .obj, .glb or .gltf (got '${basename(out)}')`);
    const textureSize = positiveInteger(values['texture-size'], '--texture-size');
    if (textureSize !== undefined && (textureSize < 64 || textureSize > 2048)) throw new UsageError('--texture-size must be from 64 to 2048');
    await checkWritable(out);
    return withProject(values.project, async (backend) => {
      const heads = { flameFiles: flameFilesFrom(new ModelAssetStore(backend.dataDir)), demoHeadDir: defaultDemoHeadDir() };
      const exporter = new HeadExporter({ project: () => backend.require().project, pool: backend.pool, heads });
      io.err('baking the texture…');
      const done = await exporter.export({ photoId, resultId, format, textureSize, baseName: basename(out, extname(out)) });
      const written: string[] = [];
      for (const file of done.files) {
        const path = join(dirname(out), file.name);
        try {
          // Atomic: a kill mid-export never leaves a torn OBJ, PNG or glb under the final name.
          await writeFileAtomic(path, file.bytes);
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code ?? '';
          throw new Error(`cannot write ${path}: ${writeProblems[code] ?? (e instanceof Error ? e.message : String(e))}`);
        }
        written.push(path);
      }
      const { counts } = done;
      const share = (n: number) => `${((100 * n) / (done.textureSize * done.textureSize)).toFixed(1)} %`;
      if (values.json) {
        io.out(JSON.stringify({ files: written, description: done.description, headModel: done.headModel, vertexCount: done.vertexCount, faceCount: done.faceCount, texture: { size: done.textureSize, ...counts }, symmetry: done.symmetry }, null, 2));
      } else {
        io.out(`wrote ${written.join(', ')}`);
        io.out(`  ${done.description}; ${done.vertexCount} vertices, ${done.faceCount} faces`);
        io.out(`  texture ${done.textureSize}²: photo ${share(counts.photo)}, mirrored ${share(counts.mirror)}, albedo ${share(counts.albedo)}, filled ${share(counts.spread)}`);
      }
      return 0;
    });
  },
};
