import type { FlameModel } from '../../../../common/flame/model';
import type { Texture } from '../../../../common/render/decaBuffers';

// Messages between the viewport and its buffer worker. Pixel arrays are transferred, not copied.

export interface BufferCodes {
  shape: Float32Array;
  expression: Float32Array;
  pose: Float32Array;
  camera: Float32Array;
  light: Float32Array;
}

export type ToBufferWorker =
  | { type: 'model'; model: FlameModel; albedo: Texture | null }
  | { type: 'render'; id: number; size: number; codes: BufferCodes };

export interface BufferImages {
  /** RGBA bytes, size × size, for the three DiffusionRig buffers as a person sees them. */
  rendered: Uint8ClampedArray;
  normal: Uint8ClampedArray;
  albedo: Uint8ClampedArray;
  /** Pixels the head covers. */
  coverage: number;
}

export type FromBufferWorker =
  | ({ type: 'buffers'; id: number; size: number; milliseconds: number } & BufferImages)
  | { type: 'error'; id: number; message: string };
