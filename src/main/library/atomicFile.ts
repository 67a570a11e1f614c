import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * Writes `data` to `target` so that `target` either does not exist or is complete: the bytes
 * go to a file in `tmpDir`, are fsync'ed, then renamed into place (rename is atomic on one
 * file system; tmp/ is inside the project folder for that reason). A crash leaves at most a
 * stray file in tmp/, which the next open removes.
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
    await mkdir(dirname(target), { recursive: true });
    await rename(tmp, target);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}
