import { basename, dirname, join } from 'node:path';

/**
 * The folder of the built main bundles (out/main). Code shared by several entries is emitted
 * into out/main/chunks/, so `__dirname` is out/main or out/main/chunks depending on where
 * the bundler put this module; decided by name, not by looking at files that a concurrent
 * build may be replacing.
 */
export function mainBundleDir(): string {
  return basename(__dirname) === 'chunks' ? dirname(__dirname) : __dirname;
}

/** Built files the app needs at run time. */
export function bundlePaths() {
  const dir = mainBundleDir();
  return {
    worker: join(dir, 'worker.js'),
    /** The compute host (src/main/app/computeHost.ts, its loop in src/main/engine/host.ts). */
    engine: join(dir, 'engine.js'),
    renderer: join(dir, '..', 'renderer'),
    preload: join(dir, '..', 'preload', 'index.js'),
  };
}
