/**
 * Durable, atomic training-state files. The run state (533 MB × 3 at upstream's default size)
 * is written straight from the tensors' own memory into a `.partial` file beside it — a
 * safetensors header, then each tensor's bytes, no staging copy — flushed with fsync, renamed
 * over the previous file, and the directory fsynced so the rename itself survives a power cut
 * (writeFileAtomic). A process killed at any moment leaves either the previous state or the new
 * one, never a torn file. The writes are asynchronous, so the event loop of the process keeps serving.
 */
import type { StateDict } from '../checkpoint/stateDict';
import { writeFileAtomic } from '../library/atomicFile';
import type { DType } from '../nn/ir';

const safetensorsTypes: Partial<Record<DType, string>> = { float32: 'F32', float16: 'F16', float64: 'F64', int64: 'I64', int32: 'I32', uint8: 'U8', bool: 'BOOL' };

/** The safetensors header (8-byte length + JSON padded to 8 bytes) for `tensors`. */
export function safetensorsHeader(tensors: StateDict, metadata: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, tensor] of tensors) {
    const dtype = safetensorsTypes[tensor.dtype];
    if (!dtype) throw new Error(`training state: ${name} has unsupported dtype ${tensor.dtype}`);
    header[name] = { dtype, shape: tensor.shape, data_offsets: [offset, offset + tensor.data.byteLength] };
    offset += tensor.data.byteLength;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  const body = Buffer.from(json, 'utf8');
  const out = new Uint8Array(8 + body.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(body.length), true);
  out.set(body, 8);
  return out;
}

/** Writes tensors and metadata as a safetensors file, atomically and durably, without copying the tensors. */
export async function writeSafetensorsDurably(path: string, tensors: StateDict, metadata: Record<string, string>): Promise<void> {
  const header = safetensorsHeader(tensors, metadata);
  const views = [...tensors.values()].map((t) => new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  try {
    await writeFileAtomic(path, [header, ...views]);
  } catch (error) {
    throw new Error(`${path}: could not write the training state (${(error as Error).message})`, { cause: error });
  }
}
