import type { CliIo, Command } from '../command';
import { UsageError } from '../command';
import { withProject } from './project';

export const albumCreateCommand: Command = {
  name: ['album', 'create'],
  summary: 'Create an album (a person\'s photo set) in a project.',
  usage: '--project DIR NAME [--json]',
  options: { project: { type: 'string' }, json: { type: 'boolean' } },
  async run({ values, positionals }, io: CliIo) {
    if (positionals.length !== 1) throw new UsageError('give exactly one album name (quote names with spaces)');
    return withProject(values.project, async (backend) => {
      const album = backend.require().library.createAlbum(positionals[0]);
      io.out(values.json ? JSON.stringify(album, null, 2) : `created album ${album.id}: ${album.name}`);
      return 0;
    });
  },
};

export const albumListCommand: Command = {
  name: ['album', 'list'],
  summary: 'List the albums of a project with their photo counts.',
  usage: '--project DIR [--json]',
  options: { project: { type: 'string' }, json: { type: 'boolean' } },
  async run({ values, positionals }, io: CliIo) {
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    return withProject(values.project, async (backend) => {
      const albums = backend.require().library.listAlbums();
      if (values.json) io.out(JSON.stringify(albums, null, 2));
      else if (albums.length === 0) io.out('no albums');
      else for (const a of albums) io.out(`${String(a.id).padStart(4)}  ${a.name}  (${a.photoCount} photo${a.photoCount === 1 ? '' : 's'})`);
      return 0;
    });
  },
};
