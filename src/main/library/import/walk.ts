import { readdir, stat } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';

/**
 * Extensions of files that are never images. Inside folders such files are skipped quietly
 * (research folders hold landmarks, masks, notes beside the photos); every other file is
 * tried and its format decided by its content. Files named explicitly are always tried.
 */
const notImageExtensions = new Set(
  ['.txt', '.md', '.json', '.xml', '.xmp', '.csv', '.tsv', '.yaml', '.yml', '.npy', '.npz', '.pkl', '.pt', '.pth', '.onnx', '.mat', '.obj', '.ply', '.zip', '.tar', '.gz', '.mp4', '.mov', '.avi', '.pdf', '.py', '.db', '.sqlite', '.log', '.ini'],
);

export interface FoundFile {
  path: string;
  fileName: string;
}

/**
 * Expands files and folders (recursively, in name order, hidden entries skipped) into the
 * list of files to import. A path that cannot be read is still listed, so the import reports
 * it by name instead of silently dropping it.
 */
export async function findImportFiles(paths: string[], signal?: AbortSignal): Promise<FoundFile[]> {
  const out: FoundFile[] = [];
  const seen = new Set<string>();
  const add = (p: string) => {
    if (seen.has(p)) return;
    seen.add(p);
    out.push({ path: p, fileName: basename(p) });
  };
  async function walk(dir: string): Promise<void> {
    signal?.throwIfAborted();
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      add(dir); // reported as unreadable by the import
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const full = join(dir, e.name);
      if (e.isDirectory()) await walk(full);
      else if (!notImageExtensions.has(extname(e.name).toLowerCase())) add(full);
    }
  }
  for (const p of paths) {
    const full = resolve(p);
    const info = await stat(full).catch(() => null);
    if (info?.isDirectory()) await walk(full);
    else add(full);
  }
  return out;
}
