import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { open } from 'lmdb';
import { afterAll, describe, expect, it } from 'vitest';
import { pickleTensor } from '../../../src/main/checkpoint/tensorPickle';
import { encodePng } from '../../../src/main/diffusion/images';
import { inspectTrainingLmdb, readTrainingLmdb, writeTrainingLmdb, type DatasetRecord } from '../../../src/main/train/lmdbDataset';

/**
 * Standard LMDB (liblmdb 0.9 through Debian's python3-lmdb) must open what the app writes, and
 * the app must open what it writes: the check reads every record the way upstream's
 * utils/image_datasets.py does (test/python/check_training_lmdb.py), torch's own pickle.load
 * included. It needs Debian's python3-lmdb, python3-numpy, python3-pil and python3-torch, and
 * fails (never skips) without them.
 */
const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const checker = resolve(__dirname, '../../python/check_training_lmdb.py');

function runPython(args: string[]): string {
  try {
    execFileSync(python, ['-c', 'import lmdb, numpy, PIL, torch'], { stdio: 'pipe' });
  } catch (error) {
    throw new Error(`${python} cannot import lmdb, numpy, PIL and torch: install Debian's python3-lmdb python3-numpy python3-pil python3-torch (${(error as Error).message})`);
  }
  return execFileSync(python, [checker, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

const size = 8;
const plane = 3 * size * size;

function random(seed: number, length: number, scale = 1): Float32Array {
  let state = seed;
  return Float32Array.from({ length }, () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return (state / 2 ** 31 - 0.5) * scale;
  });
}

async function records(count: number, v2: boolean): Promise<{ records: DatasetRecord[]; rgb: Uint8Array[] }> {
  const out: DatasetRecord[] = [];
  const rgb: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const pixels = Uint8Array.from(random(100 + i, plane, 2), (v) => Math.round((v + 1) * 127.5));
    rgb.push(pixels);
    out.push({
      imagePng: await encodePng(pixels, size),
      rendered: random(1 + i, plane),
      normal: random(2 + i, plane),
      albedo: random(3 + i, plane),
      ...(v2 ? { shape: random(4 + i, 100), identity: random(5 + i, 150) } : {}),
    });
  }
  return { records: out, rgb };
}

async function* iterate<T>(items: T[]): AsyncIterable<T> {
  for (const item of items) yield item;
}

function sum(values: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i];
  return total;
}

const dirs: string[] = [];
function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rig-lmdb-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('LMDB training sets in upstream\'s layout', () => {
  it('writes what python3-lmdb reads record by record, and reads back what it wrote and what liblmdb rewrote', async () => {
    for (const v2 of [false, true]) {
      const { records: written, rgb } = await records(3, v2);
      const dir = join(scratch(), 'set.lmdb'); // an extension must not turn the folder into a single file
      const meanShape = Array.from(random(9, 100));
      expect(await writeTrainingLmdb(dir, { size, count: 3, meanShape }, iterate(written))).toEqual({ length: 3, path: dir });
      expect(existsSync(join(dir, 'data.mdb'))).toBe(true);
      expect(await inspectTrainingLmdb(dir)).toEqual({ path: dir, length: 3, imageSize: size, v2, hasMeanShape: true });

      const report = JSON.parse(runPython([dir, String(size)])) as { length: number; v2: boolean; meanShape: number; records: Record<string, number>[] };
      expect(report).toMatchObject({ length: 3, v2 });
      // torch's own pickle.load (what image_datasets.py calls) decoded every tensor too
      expect((report as { torch?: string | null }).torch).toMatch(/^1\./);
      expect(report.meanShape).toBeCloseTo(sum(meanShape), 4);
      report.records.forEach((record, i) => {
        expect(record.image).toBe(sum(rgb[i]));
        for (const name of ['rendered', 'normal', 'albedo', ...(v2 ? ['shape', 'identity'] as const : [])] as const) expect(record[name]).toBeCloseTo(sum(written[i][name]!), 4);
      });

      const copy = join(scratch(), 'python');
      runPython(['--copy', dir, copy]);
      for (const source of [dir, copy]) {
        const pairs = await readTrainingLmdb(source, size);
        expect(pairs).toHaveLength(3);
        pairs.forEach((pair, i) => {
          expect(pair.image).toEqual(Float32Array.from(rgb[i], (_, k) => rgb[i][(k % (size * size)) * 3 + Math.floor(k / (size * size))] / 127.5 - 1));
          expect(pair.physical).toEqual(Float32Array.from([...written[i].rendered, ...written[i].normal, ...written[i].albedo]));
        });
      }
    }
  }, 120_000); // torch's import takes seconds on a busy 2-core machine

  it('refuses an occupied folder, a folder without data.mdb, a set of another size, and damaged records, naming them', async () => {
    const { records: written } = await records(2, false);
    const dir = scratch();
    await writeTrainingLmdb(dir, { size, count: 2, meanShape: new Array(100).fill(0) }, iterate(written));
    await expect(writeTrainingLmdb(dir, { size, count: 2, meanShape: [] }, iterate(written))).rejects.toThrow(`${join(dir, 'data.mdb')} already exists`);
    const empty = scratch();
    await expect(readTrainingLmdb(empty, size)).rejects.toThrow(`${empty}: no data.mdb there`);
    await expect(readTrainingLmdb(dir, 16)).rejects.toThrow(`${dir}: image_000000 is 8 × 8 px; this training set does not match a 16-px model`);
    // a record count the iterator does not deliver is an error, not a short set
    await expect(writeTrainingLmdb(join(scratch(), 'short'), { size, count: 3, meanShape: [] }, iterate(written))).rejects.toThrow('was to hold 3 records, 2 were made');
    // a record that is not a pickled tensor, or one of the wrong shape
    const db = open({ path: dir, noSubdir: false, encoding: 'binary', keyEncoding: 'binary' });
    await db.put(Buffer.from('normal_000001'), Buffer.from('garbage'));
    await db.close();
    await expect(readTrainingLmdb(dir, size)).rejects.toThrow(`${dir}: normal_000001 is not a pickled tensor`);
    const wrong = scratch();
    await writeTrainingLmdb(wrong, { size, count: 1, meanShape: [] }, iterate(written.slice(0, 1)));
    const other = open({ path: wrong, noSubdir: false, encoding: 'binary', keyEncoding: 'binary' });
    await other.put(Buffer.from('albedo_000000'), Buffer.from(pickleTensor(new Float32Array(12), [3, 2, 2])));
    await other.close();
    await expect(readTrainingLmdb(wrong, size)).rejects.toThrow(`${wrong}: albedo_000000 should be a tensor [3, 8, 8], found [3, 2, 2]`);
  }, 30_000);
});
