import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** Project root (this file is test/helpers/shared.ts). */
export const projectRoot = resolve(__dirname, '..', '..');

/** `../shared` beside the project root: reference fixtures, docs, DECA assets, face photos. */
export const sharedDir = resolve(projectRoot, '..', 'shared');

/** A path inside ../shared; throws with a clear message when it is missing. */
export function sharedPath(...parts: string[]): string {
  const p = resolve(sharedDir, ...parts);
  if (!existsSync(p)) throw new Error(`missing shared fixture: ${p} (tests expect ../shared beside the project root)`);
  return p;
}
