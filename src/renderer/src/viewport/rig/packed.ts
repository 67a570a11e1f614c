import type { PackedArray } from '../../../../common/contract/viewport';

// Typed arrays arrive from the backend as base64 (JSON-safe on both transports).

interface ArrayOf {
  float64: Float64Array;
  float32: Float32Array;
  int32: Int32Array;
  uint32: Uint32Array;
  uint8: Uint8Array;
}

const constructors = { float64: Float64Array, float32: Float32Array, int32: Int32Array, uint32: Uint32Array, uint8: Uint8Array } as const;

/** Decodes a packed array of the expected dtype, checking its byte length against its shape. */
export function unpack<D extends PackedArray['dtype']>(packed: PackedArray, dtype: D, what: string): ArrayOf[D] {
  if (packed.dtype !== dtype) throw new Error(`${what}: expected ${dtype}, got ${packed.dtype}`);
  const ctor = constructors[dtype];
  const binary = atob(packed.base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  const count = packed.shape.reduce((a, b) => a * b, 1);
  if (bytes.length !== count * ctor.BYTES_PER_ELEMENT) {
    throw new Error(`${what}: ${bytes.length} bytes do not hold shape (${packed.shape.join(', ')}) of ${packed.dtype}`);
  }
  return new ctor(bytes.buffer) as ArrayOf[D];
}
