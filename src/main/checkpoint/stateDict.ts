/**
 * A state dict as every checkpoint reader returns it: ordered tensor map keyed by the
 * PyTorch parameter names. Floating tensors are float32 (half precision widened on read),
 * integer buffers (BatchNorm's num_batches_tracked) stay int64.
 */
import type { NdArray } from '../io/ndarray';
import type { Shape, Tensor } from '../nn/ir';

export type StateDict = Map<string, Tensor>;

/** Converts a reader's NdArray to an IR tensor (floats → float32; int64/int32/bool/uint8 kept). */
export function tensorFromNdArray(array: NdArray, what: string): Tensor {
  const shape = array.shape;
  const data = array.data;
  if (data instanceof Float32Array) return { dtype: 'float32', shape, data };
  if (data instanceof Float64Array) return { dtype: 'float32', shape, data: Float32Array.from(data) };
  if (data instanceof BigInt64Array) return { dtype: 'int64', shape, data };
  if (data instanceof Int32Array) return { dtype: 'int32', shape, data };
  if (data instanceof Uint8Array) return { dtype: array.dtype === 'bool' ? 'bool' : 'uint8', shape, data };
  if (data instanceof Int8Array || data instanceof Int16Array || data instanceof Uint16Array || data instanceof Uint32Array) {
    return { dtype: 'int32', shape, data: Int32Array.from(data) };
  }
  throw new Error(`${what}: unsupported tensor type ${array.dtype}`);
}

/** Keys → shapes of a state dict. */
export function shapesOf(stateDict: StateDict): Map<string, Shape> {
  return new Map([...stateDict].map(([k, t]) => [k, t.shape]));
}

/**
 * Finds the model inside a state dict whose keys carry a wrapper prefix (Lightning's
 * `model.`, DataParallel's `module.`): returns the keys under the longest prefix P such that
 * some key starts with P + one of `roots`, with P stripped. Keys outside P are dropped.
 */
export function stripKeyPrefix(stateDict: StateDict, roots: readonly string[]): { stateDict: StateDict; prefix: string } {
  const keys = [...stateDict.keys()];
  if (keys.some((k) => roots.some((r) => k.startsWith(r)))) return { stateDict, prefix: '' };
  const prefixes = new Map<string, number>();
  for (const key of keys) {
    for (const root of roots) {
      const at = key.indexOf(`.${root}`);
      if (at >= 0) {
        const prefix = key.slice(0, at + 1);
        prefixes.set(prefix, (prefixes.get(prefix) ?? 0) + 1);
      }
    }
  }
  const best = [...prefixes].sort((a, b) => b[1] - a[1])[0];
  if (!best) return { stateDict, prefix: '' };
  const prefix = best[0];
  const out: StateDict = new Map();
  for (const [k, t] of stateDict) if (k.startsWith(prefix)) out.set(k.slice(prefix.length), t);
  return { stateDict: out, prefix };
}
