import { unzipSync } from 'fflate';
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readTorchCheckpoint } from '../../../src/main/checkpoint/torch';
import { writeTorchCheckpoint } from '../../../src/main/checkpoint/torchWriter';
import { readNpz, writeNpz, writeNpy } from '../../../src/main/io/npy';
import { ZipArchive } from '../../../src/main/io/zip';

interface CraftedMember {
  name: string;
  /** The bytes as stored in the archive (raw deflate for method 8). */
  data: Uint8Array;
  method?: 0 | 8;
  /** The uncompressed size the headers declare (defaults to data's length). */
  size?: number;
}

/** A zip with exactly these headers: what a hostile file can claim. */
function craftZip(members: CraftedMember[]): Uint8Array {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const m of members) {
    const name = Buffer.from(m.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(m.method ?? 0, 8);
    local.writeUInt32LE(m.data.length, 18);
    local.writeUInt32LE(m.size ?? m.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(m.method ?? 0, 10);
    entry.writeUInt32LE(m.data.length, 20);
    entry.writeUInt32LE(m.size ?? m.data.length, 24);
    entry.writeUInt16LE(name.length, 28);
    entry.writeUInt32LE(offset, 42);
    locals.push(local, name, Buffer.from(m.data));
    central.push(entry, name);
    offset += 30 + name.length + m.data.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(members.length, 8);
  end.writeUInt16LE(members.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, directory, end]));
}

const zeros = (n: number) => deflateRawSync(Buffer.alloc(n));
const npy = writeNpy({ dtype: 'float32', shape: [2], data: Float32Array.of(1, 2) });

describe('zip members are inflated only when read, and never past their limits', () => {
  it('refuses a member that inflates past the size it declares, naming the file and member', () => {
    // 16 MB of zeros deflate to ~16 KB; the headers claim 1000 bytes.
    const bomb = craftZip([{ name: 'codes.npy', data: zeros(16 * 1024 ** 2), method: 8, size: 1000 }]);
    expect(() => readNpz(bomb, 'bomb.npz')).toThrow(/^bomb\.npz: member codes\.npy inflates to more than the 1000 bytes it declares; refusing it/);
  });

  it('refuses declared sizes past the absolute limit before inflating anything', () => {
    const before = process.memoryUsage().rss;
    // The 3.2 GB the issue measured, from a few KB: refused by its declaration alone.
    const bomb = craftZip([{ name: 'x.npy', data: zeros(1024 ** 2), method: 8, size: 3_200_000_000 }]);
    expect(() => readNpz(bomb, 'big.npz')).toThrow(/^big\.npz: member x\.npy would inflate to 3200000000 bytes, more than the limit of 1073741824/);
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 ** 2);
    const small = craftZip([{ name: 'a', data: zeros(2_000_000), method: 8, size: 2_000_000 }]);
    expect(() => new ZipArchive(small, 'small.zip', { memberBytes: 1_000_000 }).read('a')).toThrow(/more than the limit of 1000000/);
  });

  it('caps what one archive inflates in all', () => {
    const twice = craftZip(['a', 'b'].map((name) => ({ name, data: zeros(600_000), method: 8 as const, size: 600_000 })));
    const zip = new ZipArchive(twice, 'twice.zip', { archiveBytes: 1_000_000 });
    expect(zip.read('a').length).toBe(600_000);
    expect(() => zip.read('b')).toThrow(/^twice\.zip: its members would inflate to more than 1000000 bytes in all/);
  });

  it('.npz: only .npy members are read; honest deflated members are read as before', () => {
    const archive = craftZip([
      { name: 'a.npy', data: deflateRawSync(npy), method: 8, size: npy.length },
      { name: 'junk.bin', data: Buffer.from('not deflate at all'), method: 8, size: 3_000_000_000 },
    ]);
    expect(Array.from(readNpz(archive, 'ok.npz').get('a')!.data as Float32Array)).toEqual([1, 2]);
    expect(readNpz(writeNpz({ a: { dtype: 'float32', shape: [2], data: Float32Array.of(1, 2) } }), 'w.npz').size).toBe(1);
  });

  it('.pt: only the storages the pickle names are read, none past what its tensor needs', () => {
    const members = unzipSync(writeTorchCheckpoint(new Map([['w', { dtype: 'float32', shape: [4], data: Float32Array.of(1, 2, 3, 4) }]])));
    const asCrafted = (replace: Record<string, CraftedMember>) => craftZip(Object.entries(members).map(([name, data]) => replace[name] ?? { name, data }));
    // An unreferenced member, however large it claims to be, costs nothing.
    const extra = craftZip([...Object.entries(members).map(([name, data]) => ({ name, data })), { name: 'archive/data/99', data: Buffer.from('garbage'), method: 8, size: 4_000_000_000 }]);
    expect(Array.from(readTorchCheckpoint(extra, 'extra.pt').stateDict.get('w')!.data as Float32Array)).toEqual([1, 2, 3, 4]);
    // The storage of a 4-element tensor may not inflate to a megabyte.
    const swollen = asCrafted({ 'archive/data/0': { name: 'archive/data/0', data: zeros(1024 ** 2), method: 8, size: 1024 ** 2 } });
    expect(() => readTorchCheckpoint(swollen, 'swollen.pt')).toThrow(/swollen\.pt: member archive\/data\/0 would inflate to 1048576 bytes where 16 are needed/);
  });

  it('.pt: a storage the pickle declares huge is refused at the limit, not allocated', () => {
    // The tensor claims 800 M floats (3.2 GB); its member is a few KB deflated.
    const huge = { length: 800_000_000, buffer: new ArrayBuffer(4), byteOffset: 0, byteLength: 4 } as unknown as Float32Array;
    const members = unzipSync(writeTorchCheckpoint(new Map([['w', { dtype: 'float32', shape: [800_000_000], data: huge }]])));
    const bomb = craftZip(Object.entries(members).map(([name, data]) => (name === 'archive/data/0' ? { name, data: zeros(1024 ** 2), method: 8, size: 3_200_000_000 } : { name, data })));
    const before = process.memoryUsage().rss;
    expect(() => readTorchCheckpoint(bomb, 'bomb.pt')).toThrow(/^bomb\.pt:.*member archive\/data\/0 would inflate to 3200000000 bytes, more than the limit/);
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 ** 2);
  });

  it('names the file for damaged archives', () => {
    expect(() => new ZipArchive(new Uint8Array(10), 'tiny.zip')).toThrow(/^tiny\.zip: no zip end-of-directory record/);
    const cut = craftZip([{ name: 'a.npy', data: npy }]);
    expect(() => readNpz(cut.subarray(0, cut.length - 30), 'cut.npz')).toThrow(/^cut\.npz: not a readable zip\/\.npz file/);
    const lying = craftZip([{ name: 'a.npy', data: npy, size: npy.length + 1 }]);
    expect(() => readNpz(lying, 'lying.npz')).toThrow(/lying\.npz: member a\.npy is stored but declares/);
  });
});
