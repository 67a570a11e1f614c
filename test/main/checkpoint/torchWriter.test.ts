import { describe, expect, it } from 'vitest';
import { readCheckpoint, readCheckpointBytes } from '../../../src/main/checkpoint';
import type { StateDict } from '../../../src/main/checkpoint/stateDict';
import { writeTorchCheckpoint } from '../../../src/main/checkpoint/torchWriter';
import { sharedPath } from '../../helpers/shared';

describe('writeTorchCheckpoint', () => {
  it('writes a torch.save-layout zip that reads back identically (floats, halves, int64 scalars, big and empty shapes)', () => {
    const stateDict: StateDict = new Map([
      ['w', { dtype: 'float32', shape: [2, 3], data: Float32Array.of(1, 2, 3, 4, 5, -6) }],
      ['h', { dtype: 'float16', shape: [2], data: Uint16Array.of(0x3c00, 0xc100) }],
      ['n', { dtype: 'int64', shape: [], data: BigInt64Array.of(12345678901n) }],
      ['e', { dtype: 'float32', shape: [0, 4], data: new Float32Array(0) }],
    ]);
    const bytes = writeTorchCheckpoint(stateDict, 'model000001');
    const back = readCheckpointBytes(bytes, 'model000001.pt').stateDict;
    expect(back.get('w')).toEqual({ dtype: 'float32', shape: [2, 3], data: Float32Array.of(1, 2, 3, 4, 5, -6) });
    expect(Array.from(back.get('h')!.data as Float32Array)).toEqual([1, -2.5]); // HalfStorage, widened on read
    expect(back.get('n')!.data).toEqual(BigInt64Array.of(12345678901n));
    expect(back.get('e')!.shape).toEqual([0, 4]);
    expect([...back.keys()]).toEqual(['w', 'h', 'n', 'e']);
  });

  it('re-exports the DiffusionRig fixture with every tensor unchanged', () => {
    const original = readCheckpoint(sharedPath('fixtures', 'diffusionrig-a', 'model000000.pt')).stateDict;
    const back = readCheckpointBytes(writeTorchCheckpoint(original, 'model000000'), 'again.pt').stateDict;
    expect([...back.keys()]).toEqual([...original.keys()]);
    for (const [name, tensor] of original) {
      expect(back.get(name)!.shape, name).toEqual(tensor.shape);
      expect(Buffer.from(back.get(name)!.data.buffer, back.get(name)!.data.byteOffset, back.get(name)!.data.byteLength).equals(Buffer.from(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength)), name).toBe(true);
    }
  });
});
