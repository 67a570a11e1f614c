import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The folder of the built main bundles (out/main). Code shared by several entries may be
 * emitted into out/main/chunks/, so `__dirname` alone cannot be trusted to be out/main.
 */
export function mainBundleDir(): string {
  for (const dir of [__dirname, dirname(__dirname)]) {
    if (existsSync(join(dir, 'worker.js'))) return dir;
  }
  return __dirname;
}

/** Built files the app needs at run time. */
export function bundlePaths() {
  const dir = mainBundleDir();
  return {
    worker: join(dir, 'worker.js'),
    renderer: join(dir, '..', 'renderer'),
    preload: join(dir, '..', 'preload', 'index.js'),
  };
}
