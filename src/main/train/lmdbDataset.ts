/**
 * Training sets in upstream DiffusionRig's LMDB layout (scripts/create_data.py, read by
 * utils/image_datasets.py), through the `lmdb` package built on LMDB 0.9's data format, which
 * liblmdb 0.9 (Python's `lmdb`) opens and writes. One folder holds `data.mdb` (+ `lock.mdb`)
 * whose main database has, for i = 0 … length − 1 (i zero-padded to 6 digits):
 * - `image_i`: the photo at the model's size as PNG bytes;
 * - `rendered_i`, `normal_i`, `albedo_i`: `pickle.dump` of a float32 tensor [3, S, S]
 *   (checkpoint/tensorPickle.ts);
 * - v2 only (shared/docs/diffusionrig-emo.md): `shape_i` [100] and `identity_i` [150] likewise;
 * - `length`: the record count as ASCII digits.
 * `mean_shape.pkl` beside it is `pickle.dump` of the [1, 100] mean shape, as upstream writes it.
 */
import { existsSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { open } from 'lmdb';
import sharp from 'sharp';
import { pickleTensor } from '../checkpoint/tensorPickle';
import { unpickle } from '../io/pickle';
import type { NdArray } from '../io/ndarray';
import type { TrainingPair } from './trainer';

/** One record to write: the photo's PNG and its buffers (planar [3, S, S] each). */
export interface DatasetRecord {
  imagePng: Uint8Array;
  rendered: Float32Array;
  normal: Float32Array;
  albedo: Float32Array;
  /** v2 records: FLAME β (100) and [β, albedo code] (150). */
  shape?: Float32Array;
  identity?: Float32Array;
}

/** The key of field `name` of record `index`, as upstream zero-fills it. */
export function recordKey(name: string, index: number): Buffer {
  return Buffer.from(`${name}_${String(index).padStart(6, '0')}`, 'utf8');
}

const lengthKey = Buffer.from('length', 'utf8');

/** A map size with room for `count` records at `size` px: LMDB preallocates it on Windows, so not upstream's 1 TiB. */
function mapSizeFor(count: number, size: number): number {
  const perRecord = 3 * (3 * size * size * 4 + 1024) + 3 * size * size + 4096 + 2048;
  return Math.ceil((count * perRecord * 1.5 + 64 * 2 ** 20) / 2 ** 20) * 2 ** 20;
}

/**
 * Writes `records` (exactly `count` of them) as a new LMDB folder `dir` at `size` px and
 * `mean_shape.pkl` beside it. Refuses a folder that already holds a data.mdb. Writes go through
 * the package's write thread (puts are batched into transactions off this thread).
 */
export async function writeTrainingLmdb(
  dir: string,
  options: { size: number; count: number; meanShape: readonly number[] },
  records: AsyncIterable<DatasetRecord>,
  onRecord?: (done: number) => void,
): Promise<{ length: number; path: string }> {
  const dataFile = join(dir, 'data.mdb');
  if (existsSync(dataFile)) throw new Error(`${dataFile} already exists: choose an empty folder for the training set`);
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new Error(`${dir} is a file, not a folder`);
  const db = open({ path: dir, noSubdir: false, encoding: 'binary', keyEncoding: 'binary', compression: false, mapSize: mapSizeFor(options.count, options.size) });
  const planar = [3, options.size, options.size];
  let index = 0;
  try {
    let pending: Promise<boolean>[] = [];
    for await (const record of records) {
      const fields: [string, Uint8Array][] = [
        ['albedo', pickleTensor(record.albedo, planar)],
        ['normal', pickleTensor(record.normal, planar)],
        ['rendered', pickleTensor(record.rendered, planar)],
        ['image', record.imagePng],
      ];
      if (record.shape) fields.push(['shape', pickleTensor(record.shape, [record.shape.length])]);
      if (record.identity) fields.push(['identity', pickleTensor(record.identity, [record.identity.length])]);
      for (const [name, value] of fields) pending.push(db.put(recordKey(name, index), Buffer.from(value.buffer, value.byteOffset, value.byteLength)));
      index++;
      onRecord?.(index);
      // bound what waits in memory for the write thread
      if (pending.length >= 64) {
        await Promise.all(pending);
        pending = [];
      }
    }
    await Promise.all(pending);
    if (index !== options.count) throw new Error(`the training set was to hold ${options.count} records, ${index} were made`);
    await db.put(lengthKey, Buffer.from(String(index), 'utf8'));
    await db.flushed;
  } finally {
    await db.close();
  }
  await writeFile(join(dir, 'mean_shape.pkl'), pickleTensor(Float32Array.from(options.meanShape), [1, options.meanShape.length]));
  return { length: index, path: dir };
}

/** What an LMDB training set holds, without its pixels. */
export interface LmdbDatasetInfo {
  path: string;
  length: number;
  /** Image size, from the first record's buffers. */
  imageSize: number;
  /** v2 records (shape_i and identity_i present). */
  v2: boolean;
  hasMeanShape: boolean;
}

function tensorOf(bytes: Buffer | undefined, what: string, shape: readonly number[]): Float32Array {
  if (!bytes) throw new Error(`${what} is missing`);
  let value: unknown;
  try {
    value = unpickle(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (error) {
    throw new Error(`${what} is not a pickled tensor (${(error as Error).message})`, { cause: error });
  }
  const array = value as NdArray;
  if (!array || typeof array !== 'object' || !Array.isArray(array.shape) || array.shape.join(',') !== shape.join(',')) {
    throw new Error(`${what} should be a tensor [${shape.join(', ')}], found ${array && Array.isArray(array.shape) ? `[${array.shape.join(', ')}]` : typeof value}`);
  }
  return Float32Array.from(array.data as ArrayLike<number>);
}

function openReadOnly(dir: string) {
  const dataFile = join(dir, 'data.mdb');
  if (!existsSync(dataFile)) throw new Error(`${dir}: no data.mdb there (an LMDB training set is a folder holding data.mdb)`);
  try {
    return open({ path: dir, noSubdir: false, readOnly: true, encoding: 'binary', keyEncoding: 'binary', compression: false });
  } catch (error) {
    throw new Error(`${dataFile}: cannot open it as LMDB (${(error as Error).message})`, { cause: error });
  }
}

function lengthOf(db: ReturnType<typeof open>, dir: string): number {
  const raw = db.getBinary(lengthKey);
  const length = raw ? Number(raw.toString('utf8')) : NaN;
  if (!Number.isInteger(length) || length < 1) throw new Error(`${dir}: the 'length' record is ${raw ? `'${raw.toString('utf8')}'` : 'missing'}; not a DiffusionRig training set`);
  return length;
}

/** Checks a training set's layout from its `length` and first record. */
export async function inspectTrainingLmdb(dir: string): Promise<LmdbDatasetInfo> {
  const db = openReadOnly(dir);
  try {
    const length = lengthOf(db, dir);
    const rendered = db.getBinary(recordKey('rendered', 0));
    if (!rendered) throw new Error(`${dir}: record rendered_000000 is missing`);
    const array = unpickle(new Uint8Array(rendered.buffer, rendered.byteOffset, rendered.byteLength)) as NdArray;
    const shape = Array.isArray(array?.shape) ? array.shape : [];
    if (shape.length !== 3 || shape[0] !== 3 || shape[1] !== shape[2]) throw new Error(`${dir}: rendered_000000 should be a tensor [3, S, S], found [${shape.join(', ')}]`);
    return { path: dir, length, imageSize: shape[1], v2: db.getBinary(recordKey('shape', 0)) !== undefined, hasMeanShape: existsSync(join(dir, 'mean_shape.pkl')) };
  } finally {
    await db.close();
  }
}

/**
 * Every record of a training set as training pairs at `size` px (the set's own size: buffers
 * are not resampled). A record that cannot be read fails with its key and the reason.
 */
export async function readTrainingLmdb(dir: string, size: number, options: { signal?: AbortSignal; onRecord?: (done: number, total: number) => void } = {}): Promise<TrainingPair[]> {
  const db = openReadOnly(dir);
  try {
    const length = lengthOf(db, dir);
    const planar = [3, size, size];
    const plane = 3 * size * size;
    const pairs: TrainingPair[] = [];
    for (let i = 0; i < length; i++) {
      if (options.signal?.aborted) throw new Error('reading the training set was cancelled');
      const where = (name: string) => `${dir}: ${recordKey(name, i).toString('utf8')}`;
      const png = db.getBinary(recordKey('image', i));
      if (!png) throw new Error(`${where('image')} is missing`);
      let decoded: { data: Buffer; info: { width: number; height: number } };
      try {
        decoded = await sharp(png).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
      } catch (error) {
        throw new Error(`${where('image')} is not an image (${(error as Error).message})`, { cause: error });
      }
      const { data: raw, info } = decoded;
      if (info.width !== size || info.height !== size) throw new Error(`${where('image')} is ${info.width} × ${info.height} px; this training set does not match a ${size}-px model`);
      const image = new Float32Array(plane);
      const count = size * size;
      for (let p = 0; p < count; p++) for (let c = 0; c < 3; c++) image[c * count + p] = raw[p * 3 + c] / 127.5 - 1;
      const physical = new Float32Array(3 * plane);
      physical.set(tensorOf(db.getBinary(recordKey('rendered', i)), where('rendered'), planar), 0);
      physical.set(tensorOf(db.getBinary(recordKey('normal', i)), where('normal'), planar), plane);
      physical.set(tensorOf(db.getBinary(recordKey('albedo', i)), where('albedo'), planar), 2 * plane);
      pairs.push({ image, physical });
      options.onRecord?.(i + 1, length);
    }
    return pairs;
  } finally {
    await db.close();
  }
}
