import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCheckpoint, readCheckpointBytes } from '../../../src/main/checkpoint';
import { readSafetensors, writeSafetensors } from '../../../src/main/checkpoint/safetensors';
import type { StateDict } from '../../../src/main/checkpoint/stateDict';
import { writeNpz } from '../../../src/main/io/npy';

const temp = mkdtempSync(join(tmpdir(), 'rig-checkpoint-'));

describe('PyTorch zip checkpoints', () => {
  it('reads a Lightning checkpoint: nested state_dict, HalfStorage widened to float32, extras listed', () => {
    const loaded = readCheckpoint(join(__dirname, 'lightning-tiny.ckpt'));
    expect(loaded.format).toBe('torch-zip');
    expect(loaded.location).toBe('state_dict');
    const weight = loaded.stateDict.get('model.net.weight')!;
    expect(weight.dtype).toBe('float32');
    expect(weight.shape).toEqual([2, 3]);
    expect(Array.from(weight.data as Float32Array)).toEqual([0, 0.25, 0.5, 0.75, 1, 1.25]);
    expect(Array.from(loaded.stateDict.get('model.net.bias')!.data as Float32Array)).toEqual([1.5, -2]);
    expect(loaded.stateDict.get('model.bn.num_batches_tracked')).toMatchObject({ dtype: 'int64', shape: [] });
  });

  it('explains legacy torch files, .npy files and garbage', () => {
    expect(() => readCheckpointBytes(Uint8Array.of(0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc), 'old.pth')).toThrow(/old\.pth: this is a legacy \(pre-1\.6, non-zip\) torch\.save file/);
    expect(() => readCheckpointBytes(Uint8Array.of(0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0), 'x.pt')).toThrow(/x\.pt: this is a \.npy file/);
    expect(() => readCheckpointBytes(new TextEncoder().encode('hello world'), 'x.ckpt')).toThrow(/x\.ckpt: not a PyTorch zip checkpoint/);
    expect(() => readCheckpointBytes(new Uint8Array(0), 'empty.pt')).toThrow(/empty\.pt: the file is empty/);
    expect(() => readCheckpoint(join(temp, 'nope.pt'))).toThrow(/nope\.pt: cannot read/);
  });
});

describe('safetensors', () => {
  const stateDict: StateDict = new Map([
    ['a.weight', { dtype: 'float32', shape: [2, 2], data: Float32Array.of(1, -2, 3.5, 4) }],
    ['a.steps', { dtype: 'int64', shape: [], data: BigInt64Array.of(42n) }],
  ]);

  it('round-trips tensors and metadata', () => {
    const bytes = writeSafetensors(stateDict, { format: 'pt' });
    const back = readSafetensors(bytes, 'x.safetensors');
    expect(back.metadata).toEqual({ format: 'pt' });
    expect(Array.from(back.stateDict.get('a.weight')!.data as Float32Array)).toEqual([1, -2, 3.5, 4]);
    expect(back.stateDict.get('a.steps')!.data).toEqual(BigInt64Array.of(42n));
    const path = join(temp, 'weights.safetensors');
    writeFileSync(path, bytes);
    expect(readCheckpoint(path).stateDict.get('a.weight')!.shape).toEqual([2, 2]);
  });

  it('widens F16 and BF16 to float32', () => {
    const header = JSON.stringify({ h: { dtype: 'F16', shape: [2], data_offsets: [0, 4] }, b: { dtype: 'BF16', shape: [1], data_offsets: [4, 6] } });
    const bytes = new Uint8Array(8 + header.length + 6);
    new DataView(bytes.buffer).setBigUint64(0, BigInt(header.length), true);
    bytes.set(new TextEncoder().encode(header), 8);
    const view = new DataView(bytes.buffer, 8 + header.length);
    view.setUint16(0, 0x3c00, true); // 1.0
    view.setUint16(2, 0xc100, true); // -2.5
    view.setUint16(4, 0x4049, true); // bf16 of 3.140625
    const back = readSafetensors(bytes, 'half.safetensors').stateDict;
    expect(Array.from(back.get('h')!.data as Float32Array)).toEqual([1, -2.5]);
    expect(Array.from(back.get('b')!.data as Float32Array)).toEqual([3.140625]);
  });

  it('rejects truncated files naming the tensor', () => {
    const bytes = writeSafetensors(stateDict);
    expect(() => readSafetensors(bytes.subarray(0, bytes.length - 4), 'cut.safetensors')).toThrow(/cut\.safetensors: tensor a\.steps ends at byte 24 of 20; the file is truncated/);
    expect(() => readSafetensors(bytes.subarray(0, 20), 'cut.safetensors')).toThrow(/header of \d+ bytes does not fit/);
  });

  it('validates every header field and names the file and tensor', () => {
    /** A file with this header and `dataBytes` bytes of data (0..n). */
    const file = (header: unknown, dataBytes = 16) => {
      const json = new TextEncoder().encode(JSON.stringify(header));
      const bytes = new Uint8Array(8 + json.length + dataBytes);
      new DataView(bytes.buffer).setBigUint64(0, BigInt(json.length), true);
      bytes.set(json, 8);
      for (let i = 0; i < dataBytes; i++) bytes[8 + json.length + i] = i;
      return bytes;
    };
    const ok = { dtype: 'F32', shape: [2], data_offsets: [0, 8] };
    const cases: [unknown, RegExp][] = [
      [{ t: { dtype: 'F32', shape: [32], data_offsets: [-128, 0] } }, /bad\.safetensors: tensor t: data_offsets \[-128,0\] is not two non-negative whole numbers/],
      [{ t: { dtype: 'F32', shape: 4, data_offsets: [0, 16] } }, /bad\.safetensors: tensor t: shape 4 is not a list of non-negative whole numbers/],
      [{ t: { dtype: 'F32', shape: [2, -2], data_offsets: [0, 16] } }, /tensor t: shape \[2,-2\] is not a list/],
      [{ t: { dtype: 'F32', shape: [1.5], data_offsets: [0, 6] } }, /tensor t: shape \[1\.5\] is not a list/],
      [{ t: { dtype: 'F32', shape: [2], data_offsets: [8] } }, /tensor t: data_offsets \[8\] is not two/],
      [{ t: { dtype: 'F32', shape: [2], data_offsets: '0-8' } }, /tensor t: data_offsets "0-8" is not two/],
      [{ t: { dtype: 'F32', shape: [0], data_offsets: [8, 0] } }, /tensor t: data_offsets \[8, 0\] end before they begin/],
      [{ t: { dtype: 'F32', shape: [2], data_offsets: [0, 12] } }, /tensor t \[2\] F32 spans 12 bytes, expected 8/],
      [{ t: { dtype: 7, shape: [2], data_offsets: [0, 8] } }, /tensor t: dtype is a number, not a string/],
      [{ t: { dtype: 'Q4', shape: [2], data_offsets: [0, 8] } }, /tensor t has unsupported dtype Q4/],
      [{ t: null }, /tensor t: its header entry is null/],
      [{ a: ok, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }, /tensor b \(bytes 4–12\) overlaps tensor a \(bytes 0–8\)/],
      [{ a: ok, b: ok }, /tensor b \(bytes 0–8\) overlaps tensor a/],
      [{ t: { dtype: 'F32', shape: [2 ** 40, 2 ** 40], data_offsets: [0, 8] } }, /tensor t: shape \[\d+,\d+\] is too large/],
      [[ok], /bad\.safetensors: the safetensors header is a list, not an object of tensors/],
      [{ __metadata__: { format: 1 }, t: ok }, /bad\.safetensors: __metadata__ entry format is a number, not a string/],
    ];
    for (const [header, message] of cases) expect(() => readSafetensors(file(header), 'bad.safetensors'), JSON.stringify(header)).toThrow(message);
    // Adjacent spans, a gap and an empty tensor are all fine.
    const back = readSafetensors(file({ a: ok, e: { dtype: 'F32', shape: [0], data_offsets: [4, 4] }, b: { dtype: 'U8', shape: [4], data_offsets: [12, 16] } }), 'ok.safetensors');
    expect(Array.from(back.stateDict.get('b')!.data as Uint8Array)).toEqual([12, 13, 14, 15]);
    expect(back.stateDict.get('e')!.shape).toEqual([0]);
  });
});

describe('npz state dicts', () => {
  it('reads arrays as tensors, `/` in names standing for `.`', () => {
    const path = join(temp, 'weights.npz');
    writeFileSync(path, writeNpz({ 'layer/weight': { dtype: 'float64', shape: [3], data: Float64Array.of(1, 2, 3) } }));
    const loaded = readCheckpoint(path);
    expect(loaded.format).toBe('npz');
    expect(loaded.stateDict.get('layer.weight')).toEqual({ dtype: 'float32', shape: [3], data: Float32Array.of(1, 2, 3) });
  });
});
