/**
 * Training sets a project uses in place (imported LMDB folders, never copied into it): kept in
 * the project's `meta` table by name, with what their first record said when imported. A
 * training run opens the folder again and fails with the folder's name if it moved or changed.
 */
import type { Database } from 'better-sqlite3';
import { z } from 'zod';
import type { TrainingSetInfo } from '../../common/contract/dataset';
import { AppError } from '../core/errors';
import type { LmdbDatasetInfo } from './lmdbDataset';
import { readTrainingLmdb } from './lmdbDataset';
import type { TrainingPair } from './trainer';

const metaKey = 'trainingSets';

const trainingSetSchema: z.ZodType<TrainingSetInfo> = z.object({
  name: z.string().min(1),
  path: z.string().min(1),
  length: z.number().int().positive(),
  imageSize: z.number().int().positive(),
  v2: z.boolean(),
  hasMeanShape: z.boolean(),
  importedAt: z.string(),
});
export type TrainingSet = TrainingSetInfo;

/** The project's training sets (none when the list was never written or is damaged). */
export function listTrainingSets(db: Database): TrainingSet[] {
  const row = db.prepare('SELECT value FROM meta WHERE key = @key').get({ key: metaKey }) as { value: string } | undefined;
  if (!row) return [];
  const parsed = z.array(trainingSetSchema).safeParse(JSON.parse(row.value));
  return parsed.success ? parsed.data : [];
}

/** Adds (or, under the same name, replaces) a training set. */
export function addTrainingSet(db: Database, name: string, info: LmdbDatasetInfo): TrainingSet {
  const set: TrainingSet = { name: name.trim(), path: info.path, length: info.length, imageSize: info.imageSize, v2: info.v2, hasMeanShape: info.hasMeanShape, importedAt: new Date().toISOString() };
  if (!set.name) throw new AppError('invalid-params', 'a training set needs a name');
  const sets = [...listTrainingSets(db).filter((s) => s.name !== set.name), set];
  db.prepare('INSERT INTO meta (key, value) VALUES (@key, @value) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run({ key: metaKey, value: JSON.stringify(sets) });
  return set;
}

/** The training set called `name`; an unknown name lists the ones there are. */
export function trainingSetByName(db: Database, name: string): TrainingSet {
  const sets = listTrainingSets(db);
  const found = sets.find((s) => s.name === name);
  if (!found) throw new AppError('invalid-params', `no training set named "${name}" (training sets: ${sets.map((s) => `"${s.name}"`).join(', ') || 'none'}; add one with 'rig-studio dataset import')`);
  return found;
}

/** The pairs of the named training sets, in order, read from their folders at `size` px. */
export async function trainingSetPairs(
  db: Database,
  names: readonly string[],
  size: number,
  options: { signal?: AbortSignal; onRecord?: (name: string, done: number, total: number) => void } = {},
): Promise<TrainingPair[]> {
  const pairs: TrainingPair[] = [];
  for (const name of names) {
    const set = trainingSetByName(db, name);
    if (set.imageSize !== size) throw new AppError('invalid-params', `training set "${name}" (${set.path}) is at ${set.imageSize} px; this run trains at ${size} px`);
    pairs.push(...(await readTrainingLmdb(set.path, size, { signal: options.signal, onRecord: (done, total) => options.onRecord?.(name, done, total) })));
  }
  return pairs;
}
