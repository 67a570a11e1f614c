import type { OpenProject } from '../library/openProject';
import { UsageError } from './command';

/** How a command treats an --album NAME that does not exist. */
export interface AlbumFlagOptions {
  /** The command offers --create-album (import): create the album when the flag is given. */
  canCreate?: boolean;
}

/**
 * The album a command's `--album NAME` / `--album-id N` flags name, in the open project. An
 * unknown name is an error listing the albums there are (and, where creating is offered, how).
 */
export function albumIdFromFlags(open: OpenProject, values: Record<string, unknown>, { canCreate = false }: AlbumFlagOptions = {}): number {
  if (values['album-id'] !== undefined) {
    const id = Number(values['album-id']);
    if (!Number.isInteger(id) || id <= 0) throw new UsageError('--album-id must be a positive whole number');
    return open.library.getAlbum(id).id;
  }
  const name = values.album as string | undefined;
  if (!name) throw new UsageError('say which album: --album NAME or --album-id N');
  const albums = open.library.listAlbums();
  const found = albums.find((a) => a.name === name.trim());
  if (found) return found.id;
  if (canCreate && values['create-album']) return open.library.createAlbum(name).id;
  const known = albums.map((a) => `"${a.name}"`).join(', ') || 'none';
  throw new Error(`no album named "${name}" (albums: ${known})${canCreate ? '; add --create-album to create it' : ''}`);
}
