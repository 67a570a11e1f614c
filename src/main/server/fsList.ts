import { readdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { DirEntry } from '../../common/contract';
import { AppError } from '../core/errors';

/**
 * Lists a folder on the backend's machine for serve mode's file picker: folders first, then
 * files, by name; hidden entries left out. Defaults to the home folder.
 */
export async function listDir(dirInput?: string): Promise<{ dir: string; parent: string | null; entries: DirEntry[] }> {
  const dir = resolve(dirInput ?? homedir());
  let raw;
  try {
    raw = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ENOENT') throw new AppError('not-found', `${dir}: no such folder`);
    if (code === 'ENOTDIR') throw new AppError('invalid-params', `${dir} is a file, not a folder`);
    throw new AppError('conflict', `${dir}: cannot list (${(e as Error).message})`);
  }
  const entries: DirEntry[] = raw
    .filter((e) => !e.name.startsWith('.') && (e.isDirectory() || e.isFile()))
    .map((e) => ({ name: e.name, path: join(dir, e.name), kind: e.isDirectory() ? ('dir' as const) : ('file' as const) }))
    .sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'dir' ? -1 : 1));
  const parent = dirname(dir);
  return { dir, parent: parent === dir ? null : parent, entries };
}
