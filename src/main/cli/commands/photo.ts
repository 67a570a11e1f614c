import type { PhotoDetail } from '../../../common/contract';
import { albumIdFromFlags } from '../albums';
import type { CliIo, Command } from '../command';
import { UsageError } from '../command';
import { withProject } from './project';

/** Where a photo came from, in words: its source path, or the original name of an upload. */
function sourceText(p: PhotoDetail): string {
  return p.origin === 'upload' ? `uploaded from a browser as ${p.sourcePath}` : p.sourcePath;
}

/** `rig-studio photo list`: an album's photos with where each came from. */
export const photoListCommand: Command = {
  name: ['photo', 'list'],
  summary: "List an album's photos: id, file name, size and source (the path imported from, or the original name of a browser upload).",
  usage: '--project DIR (--album NAME | --album-id N) [--json]',
  options: { project: { type: 'string' }, album: { type: 'string' }, 'album-id': { type: 'string' }, json: { type: 'boolean' } },
  async run({ values, positionals }, io: CliIo) {
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    return withProject(values.project, async (backend) => {
      const open = backend.require();
      const albumId = albumIdFromFlags(open, values);
      const photos: PhotoDetail[] = [];
      for (let offset = 0; ; offset += 500) {
        const page = open.library.listPhotos(albumId, offset, 500);
        photos.push(...page.items.map((p) => open.library.getPhoto(p.id)));
        if (offset + page.items.length >= page.total || page.items.length === 0) break;
      }
      if (values.json) io.out(JSON.stringify(photos.map(({ metadata: _, ...p }) => p), null, 2));
      else if (photos.length === 0) io.out('no photos');
      else for (const p of photos) io.out(`${String(p.id).padStart(5)}  ${p.fileName}  (${p.width} × ${p.height}, ${p.format})  ${sourceText(p)}`);
      return 0;
    });
  },
};

/** `rig-studio photo info`: one photo's record. */
export const photoInfoCommand: Command = {
  name: ['photo', 'info'],
  summary: "Show a photo's record: file name, size, format, source (path, or original name of an upload), hash and metadata.",
  usage: '--project DIR ID [--json]',
  options: { project: { type: 'string' }, json: { type: 'boolean' } },
  async run({ values, positionals }, io: CliIo) {
    if (positionals.length !== 1 || !/^\d+$/.test(positionals[0])) throw new UsageError('give one photo id');
    return withProject(values.project, async (backend) => {
      const p = backend.require().library.getPhoto(Number(positionals[0]));
      if (values.json) io.out(JSON.stringify(p, null, 2));
      else {
        io.out(`${p.fileName} (photo ${p.id}, album ${p.albumId})`);
        io.out(`  size:     ${p.width} × ${p.height} px, ${p.format}, ${p.bytes} bytes`);
        io.out(`  source:   ${sourceText(p)}`);
        io.out(`  imported: ${p.importedAt}`);
        io.out(`  hash:     ${p.hash}`);
        for (const [k, v] of Object.entries(p.metadata)) io.out(`  ${k}: ${v}`);
      }
      return 0;
    });
  },
};
