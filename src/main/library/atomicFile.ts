import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

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

/**
 * Creates `dir` (and missing parents) durably: after it returns, the new folders' names are on
 * disk too (each new folder's parent is fsync'ed, innermost first).
 */
export async function mkdirDurable(dir: string): Promise<void> {
  const target = resolve(dir);
  const made = await mkdir(target, { recursive: true });
  if (made === undefined) return;
  // `made` is the outermost folder created; every folder from `target` up to it is new.
  const first = resolve(made);
  for (let d = target; ; d = dirname(d)) {
    await syncDirectory(dirname(d));
    if (d === first || dirname(d) === d) break;
  }
}

/**
 * Writes `data` to `target` so that `target` either does not exist or is complete and durable:
 * the bytes go to a file in `tmpDir`, are fsync'ed, renamed into place (rename is atomic on one
 * file system; tmp/ is inside the project folder for that reason), and then the target's
 * folder is fsync'ed (and any folder created for it), so a row committed after this returns
 * never points at a file a crash could take back. A crash leaves at most a stray file in tmp/,
 * which a later open removes.
 */
export async function writeFileAtomic(target: string, data: Uint8Array, tmpDir: string): Promise<void> {
  await mkdir(tmpDir, { recursive: true });
  const tmp = join(tmpDir, `${randomBytes(8).toString('hex')}.partial`);
  const handle = await open(tmp, 'w');
  try {
    await handle.writeFile(data);
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
