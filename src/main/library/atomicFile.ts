import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

/** What an atomic write writes: text (UTF-8), bytes, or byte chunks one after another (no staging copy). */
export type FileContents = string | Uint8Array | Iterable<Uint8Array>;

/** One write call is capped at 2 GiB; slices also keep each await of a large write short. */
const sliceBytes = 64 << 20;

/**
 * fsyncs a directory, so the entries created or renamed in it survive a power loss (a file's
 * own fsync does not cover its name in the folder). Windows cannot open a folder for this and
 * NTFS journals names itself, so there it is skipped.
 */
export async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** syncDirectory for synchronous callers. */
function syncDirectorySync(dir: string): void {
  if (process.platform === 'win32') return;
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The folders `mkdir(dir, { recursive: true })` just made (innermost first), given the outermost it reports. */
function madeFolders(dir: string, made: string | undefined): string[] {
  if (made === undefined) return [];
  const first = resolve(made);
  const out: string[] = [];
  for (let d = resolve(dir); ; d = dirname(d)) {
    out.push(d);
    if (d === first || dirname(d) === d) return out;
  }
}

/**
 * Creates `dir` (and missing parents) durably: after it returns, the new folders' names are on
 * disk too (each new folder's parent is fsync'ed, innermost first).
 */
export async function mkdirDurable(dir: string): Promise<void> {
  for (const d of madeFolders(dir, await mkdir(resolve(dir), { recursive: true }))) await syncDirectory(dirname(d));
}

/** mkdirDurable for synchronous callers. */
function mkdirDurableSync(dir: string): void {
  for (const d of madeFolders(dir, mkdirSync(resolve(dir), { recursive: true }))) syncDirectorySync(dirname(d));
}

/** The contents as byte slices of at most `sliceBytes`. */
function* slices(data: FileContents): Generator<Uint8Array> {
  const chunks = typeof data === 'string' ? [Buffer.from(data, 'utf8')] : data instanceof Uint8Array ? [data] : data;
  for (const chunk of chunks) {
    for (let at = 0; at < chunk.byteLength; at += sliceBytes) yield chunk.subarray(at, Math.min(chunk.byteLength, at + sliceBytes));
  }
}

/** The name of an atomic write's staging file (`<target>.<16 hex>.partial`, or `<16 hex>.partial` in a tmp folder). */
export const partialFilePattern = /(^|\.)[0-9a-f]{16}\.partial$/;

/**
 * Removes the staging files a killed atomic write left in `dir` (not in its subfolders). Only for
 * folders no live writer uses: the caller knows (a job that is not live, an export about to start).
 */
export async function removeStrayPartials(dir: string): Promise<number> {
  let removed = 0;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (!partialFilePattern.test(name)) continue;
    await rm(join(dir, name), { force: true });
    removed++;
  }
  return removed;
}

/** Where the bytes wait before the rename: in `tmpDir` when given, else beside the target (one file system either way). */
function partialPath(target: string, tmpDir: string | undefined): string {
  const name = `${randomBytes(8).toString('hex')}.partial`;
  return tmpDir === undefined ? `${target}.${name}` : join(tmpDir, name);
}

/**
 * Writes `data` to `target` so that `target` either does not exist or is complete and durable:
 * the bytes go to a `.partial` file (in `tmpDir`, e.g. the project's tmp/, or else beside the
 * target), are fsync'ed, renamed into place (rename is atomic on one file system), and then the
 * target's folder is fsync'ed (and any folder created for it), so a row committed after this
 * returns never points at a file a crash could take back. A crash leaves at most a stray
 * `.partial` file (a project's tmp/ is cleaned on open).
 */
export async function writeFileAtomic(target: string, data: FileContents, tmpDir?: string): Promise<void> {
  const tmp = partialPath(target, tmpDir);
  await (tmpDir === undefined ? mkdirDurable(dirname(target)) : mkdir(tmpDir, { recursive: true }));
  const handle = await open(tmp, 'w');
  try {
    for (const slice of slices(data)) {
      for (let at = 0; at < slice.byteLength; ) at += (await handle.write(slice, at, slice.byteLength - at)).bytesWritten;
    }
    await handle.sync();
  } catch (e) {
    await handle.close();
    await rm(tmp, { force: true });
    throw e;
  }
  await handle.close();
  try {
    await mkdirDurable(dirname(target));
    await rename(tmp, target);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  await syncDirectory(dirname(target));
}

/** writeFileAtomic for synchronous callers (settings, caches, the edit image store): the same steps, blocking. */
export function writeFileAtomicSync(target: string, data: FileContents, tmpDir?: string): void {
  const tmp = partialPath(target, tmpDir);
  if (tmpDir === undefined) mkdirDurableSync(dirname(target));
  else mkdirSync(tmpDir, { recursive: true });
  const fd = openSync(tmp, 'w');
  try {
    for (const slice of slices(data)) {
      for (let at = 0; at < slice.byteLength; ) at += writeSync(fd, slice, at, slice.byteLength - at);
    }
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  try {
    mkdirDurableSync(dirname(target));
    renameSync(tmp, target);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  syncDirectorySync(dirname(target));
}
