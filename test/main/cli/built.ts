import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../helpers/shared';

export const builtCli = join(projectRoot, 'out', 'main', 'cli.js');
export const builtWorker = join(projectRoot, 'out', 'main', 'worker.js');
export const builtEngine = join(projectRoot, 'out', 'main', 'engine.js');

/**
 * Makes sure the bundles exist (scripts/test-all.mjs builds before vitest; a single test file
 * run may find none). Builds once under a lock so parallel test files do not race.
 */
export function ensureBuilt(): void {
  if (existsSync(builtCli) && existsSync(builtWorker) && existsSync(builtEngine)) return;
  const lock = join(tmpdir(), 'rig-studio-test-build.lock');
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      const stale = existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 120_000;
      if (stale) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`waited too long for ${lock}`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    if (!existsSync(builtCli) || !existsSync(builtWorker) || !existsSync(builtEngine)) {
      execFileSync(process.execPath, [join(projectRoot, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: projectRoot, stdio: 'pipe' });
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
