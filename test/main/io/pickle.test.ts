import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { NdArray } from '../../../src/main/io/ndarray';
import { toFloat64 } from '../../../src/main/io/ndarray';
import { readNpy } from '../../../src/main/io/npy';
import type { OpaqueObject } from '../../../src/main/io/pickle';
import { unpickle } from '../../../src/main/io/pickle';
import type { SparseMatrix } from '../../../src/main/io/pickleGlobals';
import { sparseToDense } from '../../../src/main/io/pickleGlobals';
import { rebuildTensor, torchZipPersistentLoad } from '../../../src/main/io/torchStorage';
import { sharedPath } from '../../helpers/shared';

const sample = (name: string): Uint8Array => readFileSync(resolve(__dirname, 'samples', name));
const bytes = (...parts: (number[] | string)[]): Uint8Array =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));

describe('pickle: values of every protocol', () => {
  for (let protocol = 0; protocol <= 5; protocol++) {
    it(`reads builtins written with protocol ${protocol}`, () => {
      const value = unpickle(sample(`plain-p${protocol}.pkl`)) as Map<string, unknown>;
      expect(value).toBeInstanceOf(Map);
      expect(value.get('list')).toEqual([1, -2, 2.5, 'text', Uint8Array.from([0, 255, ...'bytes'.split('').map((c) => c.charCodeAt(0))]), null, true, false]);
      expect(value.get('tuple')).toEqual([1, [2, 3]]);
      expect(value.get('set')).toEqual(new Set([4, 5]));
      expect(value.get('frozen')).toEqual(new Set([6]));
      expect(value.get('big')).toBe(2n ** 70n);
      expect(value.get('negative')).toBe(-(2 ** 40));
      expect(value.get('unicode')).toBe('é€😀');
      expect(value.get('float')).toBe(-1.5e-300);
      expect((value.get('nested') as Map<string, Map<string, unknown>>).get('a')?.get('b')).toEqual([[]]);
      expect(value.get('bytearray')).toEqual(Uint8Array.from([97, 98, 99]));
    });

    it(`rebuilds numpy arrays and scalars written with protocol ${protocol}`, () => {
      const value = unpickle(sample(`numpy-p${protocol}.pkl`)) as Map<string, NdArray | number>;
      const get = (k: string) => value.get(k) as NdArray;
      expect(get('f8').shape).toEqual([2, 3]);
      expect(Array.from(get('f8').data as Float64Array)).toEqual([0, 1, 2, 3, 4, 5].map((x) => x / 7));
      // Fortran order is normalised to C order.
      expect(get('f4fortran').shape).toEqual([3, 2]);
      expect(Array.from(get('f4fortran').data as Float32Array)).toEqual([0, 1, 2, 3, 4, 5]);
      expect(get('i4big').dtype).toBe('int32');
      expect(Array.from(get('i4big').data as Int32Array)).toEqual([1, -2, 300000]);
      expect(get('f2').dtype).toBe('float32');
      expect(get('f2').widenedFrom).toBe('float16');
      expect(Array.from(get('f2').data as Float32Array)).toEqual([0.5, -2, 65504, 1.1920928955078125e-7]);
      expect(Array.from(get('bool').data as Uint8Array)).toEqual([1, 0, 1]);
      expect(Array.from(get('i8').data as BigInt64Array)).toEqual([-(2n ** 40n), 7n]);
      expect(Array.from(get('u1').data as Uint8Array)).toEqual([0, 255]);
      expect(get('scalar0d').shape).toEqual([]);
      expect(get('scalar0d').data[0]).toBe(3.25);
      expect(get('empty').shape).toEqual([0, 3]);
      expect(get('strings').data).toEqual(['ab', 'cdé']);
      expect(value.get('npfloat')).toBe(0.125);
      expect(value.get('npint')).toBe(-9n);
    });
  }

  it('rebuilds scipy csc and csr matrices', () => {
    const value = unpickle(sample('sparse.pkl')) as Map<string, SparseMatrix>;
    for (const key of ['csc', 'csr']) {
      const matrix = value.get(key)!;
      expect(matrix.format).toBe(key);
      expect(matrix.shape).toEqual([2, 3]);
      expect(Array.from(sparseToDense(matrix))).toEqual([1, 0, 2, 0, 0, 3]);
    }
  });
});

describe('pickle: real files', () => {
  it('reads the Python 2 FLAME pickle (chumpy, scipy csc, sets, latin-1 strings)', () => {
    const model = unpickle(readFileSync(sharedPath('fixtures', 'flame-synthetic', 'generic_model.pkl'))) as Map<string, unknown>;
    const array = (k: string) => model.get(k) as NdArray;
    expect(array('v_template').shape).toEqual([5023, 3]);
    expect(array('shapedirs').shape).toEqual([5023, 3, 400]);
    expect(array('posedirs').shape).toEqual([5023, 3, 36]);
    expect(array('weights').shape).toEqual([5023, 5]);
    expect(array('f').shape).toEqual([9976, 3]);
    const regressor = model.get('J_regressor') as SparseMatrix;
    expect(regressor.format).toBe('csc');
    expect(regressor.shape).toEqual([5, 5023]);
    // Each joint is a convex combination of vertices.
    const dense = sparseToDense(regressor);
    for (let j = 0; j < 5; j++) {
      let sum = 0;
      for (let v = 0; v < 5023; v++) sum += dense[j * 5023 + v];
      expect(sum).toBeCloseTo(1, 6);
    }
    // Template vertices are a head in metres.
    const template = toFloat64(array('v_template'));
    expect(Math.max(...template.map(Math.abs))).toBeLessThan(0.5);
    expect(Array.from(array('kintree_table').data as BigInt64Array).slice(0, 5).map(Number)).toEqual([Number(2n ** 32n - 1n), 0, 1, 1, 1]);
  });

  it('reads DECA landmark_embedding.npy with its nested legacy torch tensors', () => {
    const array = readNpy(readFileSync(sharedPath('deca-data', 'landmark_embedding.npy')));
    expect(array.dtype).toBe('object');
    expect(array.shape).toEqual([]);
    const embedding = (array.data as unknown[])[0] as Map<string, NdArray>;
    const shapes = Object.fromEntries([...embedding].map(([k, v]) => [k, v.shape]));
    expect(shapes).toEqual({
      static_lmk_faces_idx: [51], static_lmk_bary_coords: [51, 3],
      dynamic_lmk_faces_idx: [79, 17], dynamic_lmk_bary_coords: [79, 17, 3],
      full_lmk_faces_idx: [1, 68], full_lmk_bary_coords: [1, 68, 3],
    });
    // Barycentric coordinates sum to one; face indices fall inside FLAME's 9976 faces.
    const bary = toFloat64(embedding.get('dynamic_lmk_bary_coords')!);
    for (let i = 0; i < bary.length; i += 3) expect(bary[i] + bary[i + 1] + bary[i + 2]).toBeCloseTo(1, 5);
    const faces = toFloat64(embedding.get('dynamic_lmk_faces_idx')!);
    expect(Math.min(...faces)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...faces)).toBeLessThan(9976);
  });

  it('reads a PyTorch zip checkpoint through persistentLoad, widening HalfStorage', () => {
    const zip = unzipSync(readFileSync(sharedPath('fixtures', 'deca-a', 'deca_model.tar')));
    const root = Object.keys(zip).find((k) => k.endsWith('/data.pkl'))!.slice(0, -'data.pkl'.length);
    const state = unpickle(zip[`${root}data.pkl`], {
      persistentLoad: torchZipPersistentLoad((key) => zip[`${root}data/${key}`]),
    }) as Map<string, Map<string, NdArray>>;
    const conv = state.get('E_flame')!.get('encoder.conv1.weight')!;
    expect(conv.shape).toEqual([64, 3, 7, 7]);
    expect(conv.widenedFrom).toBe('float16');
    expect(conv.data).toBeInstanceOf(Float32Array);
    const values = conv.data as Float32Array;
    expect(values.every(Number.isFinite)).toBe(true);
    // Values as numpy reads the same float16 bytes.
    expect(Array.from(values.slice(0, 6))).toEqual([-0.021942138671875, 0.131591796875, -0.04388427734375, -0.0657958984375, -0.021942138671875, 0.0657958984375]);
    expect(values.reduce((a, b) => a + b, 0)).toBeCloseTo(-1.55804443359375, 6);
  });
});

describe('pickle: torch tensors', () => {
  // torch.save-style data.pkl of {'w': Parameter(storage 0 viewed as 3×2 with strides (1, 3))},
  // written by Python's pickle with stand-in torch globals (the bytes torch itself writes).
  const hex = '800263636f6c6c656374696f6e730a4f726465726564446963740a710029527101580100000077710263746f7263682e5f7574696c730a5f72656275696c645f706172616d657465720a710363746f7263682e5f7574696c730a5f72656275696c645f74656e736f725f76320a71042828580700000073746f72616765710563746f7263680a466c6f617453746f726167650a71065801000000307107580300000063707571084b06747109514b004b034b0286710a4b014b0386710b8968002952710c74710d52710e8868002952710f877110527111732e';
  const data = Uint8Array.from(hex.match(/../g)!.map((h) => parseInt(h, 16)));

  it('rebuilds a strided parameter from a persistent storage in C order', () => {
    const storage = new Uint8Array(Float32Array.from([0, 1, 2, 3, 4, 5]).buffer);
    const keys: string[] = [];
    const state = unpickle(data, { persistentLoad: torchZipPersistentLoad((key) => { keys.push(key); return storage; }) }) as Map<string, NdArray>;
    const w = state.get('w')!;
    expect(w.shape).toEqual([3, 2]);
    // Element (i, j) sits at storage[i + 3j]: the transpose of a 2×3 row-major block.
    expect(Array.from(w.data as Float32Array)).toEqual([0, 3, 1, 4, 2, 5]);
    expect(keys).toEqual(['0']);
  });

  it('refuses a storage too small for the view, and a storage id without a loader', () => {
    const small = new Uint8Array(new Float32Array(4).buffer);
    expect(() => unpickle(data, { persistentLoad: torchZipPersistentLoad(() => small) })).toThrow(/declares 6 elements \(24 bytes\) but holds 16 bytes/);
    expect(() => unpickle(data)).toThrow(/no persistent loader was given/);
  });

  it('refuses a zero-stride view that would blow a tiny storage up to a huge tensor', () => {
    const one = { kind: 'torch-storage' as const, elementType: 'float32' as const, data: new Float32Array(1) };
    expect(() => rebuildTensor([one, 0, [1e9], [0]])).toThrow(/implausible/);
    expect(Array.from(rebuildTensor([one, 0, [3], [0]]).data as Float32Array)).toEqual([0, 0, 0]);
  });
});

describe('pickle: opaque globals', () => {
  // {'hyper_parameters': omegaconf DictConfig({'lr': 0.001}) with BUILD state, 'epoch': 3}, as a
  // Lightning checkpoint holds beside its state_dict.
  const hex = '80027d710028581000000068797065725f706172616d65746572737101636f6d656761636f6e662e64696374636f6e6669670a44696374436f6e6669670a71022952710358020000006c727104473f50624dd2f1a9fc737d710558090000005f6d65746164617461710658040000006d65746171077362580500000065706f636871084b03752e';
  const data = Uint8Array.from(hex.match(/../g)!.map((h) => parseInt(h, 16)));

  it('refuses unknown classes by default and keeps them as inert records when asked', () => {
    expect(() => unpickle(data)).toThrow(/unknown Python global 'omegaconf.dictconfig.DictConfig'/);
    const value = unpickle(data, { opaqueGlobals: (name) => name.startsWith('omegaconf.') }) as Map<string, unknown>;
    expect(value.get('epoch')).toBe(3);
    const config = value.get('hyper_parameters') as OpaqueObject;
    expect(config).toMatchObject({ kind: 'opaque', pyName: 'omegaconf.dictconfig.DictConfig', args: [] });
    expect(config.items?.get('lr')).toBe(0.001);
    expect((config.state as Map<string, unknown>).get('_metadata')).toBe('meta');
    expect(() => unpickle(data, { opaqueGlobals: (name) => name.startsWith('torch.') })).toThrow(/omegaconf/);
  });
});

describe('pickle: hostile input', () => {
  it('refuses an unknown global and names it, without running anything', () => {
    const evil = bytes([0x80, 2], 'cos\nsystem\n', 'X', [2, 0, 0, 0], 'ls', [0x85, 0x52, 0x2e]);
    expect(() => unpickle(evil)).toThrow(/unknown Python global 'os.system'/);
    const stackGlobal = bytes([0x80, 4, 0x8c, 8], 'builtins', [0x8c, 4], 'eval', [0x93, 0x2e]);
    expect(() => unpickle(stackGlobal)).toThrow(/builtins.eval/);
  });

  it('reports truncation at every cut of a real pickle', () => {
    const whole = sample('numpy-p2.pkl');
    for (let cut = 0; cut < whole.length - 1; cut += 7) {
      expect(() => unpickle(whole.subarray(0, cut))).toThrow(/pickle:/);
    }
  });

  it('rejects absurd lengths before allocating', () => {
    expect(() => unpickle(bytes([0x80, 4, 0x8e, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 0x2e]))).toThrow(/exceeds/);
    expect(() => unpickle(bytes([0x58, 0xff, 0xff, 0xff, 0xff, 0x2e]))).toThrow(/exceeds/);
    expect(() => unpickle(bytes([0x8b, 0xff, 0xff, 0xff, 0x7f, 0x2e]))).toThrow(/exceeds/);
    // Integers whose construction would take quadratic time.
    const hugeLong = new Uint8Array(5 + 1_000_000 + 1);
    hugeLong.set([0x8b, 0x40, 0x42, 0x0f, 0x00]);
    hugeLong[hugeLong.length - 1] = 0x2e;
    expect(() => unpickle(hugeLong)).toThrow(/integer of 1000000 bytes is too large/);
    expect(() => unpickle(bytes('L' + '9'.repeat(100_000) + 'L\n.'))).toThrow(/too large/);
    // A numpy array claiming 10^12 float64 elements with 8 bytes of data.
    const hugeArray = bytes(
      'cnumpy.core.multiarray\n_reconstruct\ncnumpy\nndarray\n', [0x4b, 0, 0x85], 'C', [1], 'b', [0x87, 0x52],
      '(', [0x4b, 1], 'J', [0x40, 0x42, 0x0f, 0], 'J', [0x40, 0x42, 0x0f, 0], [0x86], 'cnumpy\ndtype\n', 'U', [2], 'f8', [0x89, 0x88, 0x87, 0x52],
      '(', [0x4b, 3], 'U', [1], '<NNNJ', [0xff, 0xff, 0xff, 0xff], 'J', [0xff, 0xff, 0xff, 0xff], 'K', [0], 't', 'b', [0x89],
      'C', [8], [0, 0, 0, 0, 0, 0, 0, 0], 't', 'b.',
    );
    expect(() => unpickle(hugeArray)).toThrow(/needs .* bytes/);
  });

  it('rejects deep nesting and self-containing structures', () => {
    const deepMarks = bytes(new Array(100000).fill(0x28));
    expect(() => unpickle(deepMarks)).toThrow(/deeper than/);
    // [[[[...]]]] 1000 deep built with EMPTY_LIST/APPEND (no MARK at all).
    const lists: number[] = [];
    for (let i = 0; i < 1000; i++) lists.push(0x5d);
    for (let i = 0; i < 999; i++) lists.push(0x61);
    lists.push(0x2e);
    expect(() => unpickle(Uint8Array.from(lists))).toThrow(/deeper than 100/);
    expect(unpickle(Uint8Array.from(lists), { maxDepth: 2000 })).toBeInstanceOf(Array);
    // l = []; l.append(l)
    expect(() => unpickle(bytes([0x5d, 0x71, 0, 0x68, 0, 0x61, 0x2e]))).toThrow(/recursive/);
  });

  it('rejects bad memo references, stack underflow, unknown opcodes and stray BUILD', () => {
    expect(() => unpickle(bytes([0x68, 5, 0x2e]))).toThrow(/memo entry 5/);
    expect(() => unpickle(bytes([0x2e]))).toThrow(/underflow/);
    expect(() => unpickle(bytes([0xff]))).toThrow(/unknown opcode 0xff/);
    expect(() => unpickle(bytes([0x5d, 0x7d, 0x62, 0x2e]))).toThrow(/BUILD/);
    expect(() => unpickle(bytes([0x4e, 0x29, 0x52, 0x2e]))).toThrow(/not a known callable/);
    expect(() => unpickle(bytes('(S\'storage\'\ntQ.'))).toThrow(/persistent/);
  });

  it('survives random garbage without hanging', () => {
    let seed = 12345;
    const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
    const base = sample('numpy-p4.pkl');
    for (let trial = 0; trial < 300; trial++) {
      const mutated = base.slice();
      for (let k = 0; k < 4; k++) mutated[(random() * 256 + random()) % mutated.length] = random();
      try {
        unpickle(mutated);
      } catch (error) {
        expect(error).toBeInstanceOf(Error);
        expect((error as Error).message).toMatch(/pickle:/);
      }
    }
  });
});
