/**
 * Pixels in and out of the model: photos to [-1, 1] planar tensors at the model's size, samples
 * and buffers to 8-bit PNGs (quantised as torchvision's save_image does), content hashes.
 */
import { createHash } from 'node:crypto';
import sharp from 'sharp';

/** SHA-256 (hex) of a typed array's bytes or a buffer. */
export function sha256(data: ArrayBufferView): string {
  return createHash('sha256').update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)).digest('hex');
}

/**
 * A photo file as the model takes it: upright (EXIF applied), scaled to cover `size`² and
 * centre-cropped, RGB, planar [3, S, S] in [-1, 1] (ToTensor then Normalize(0.5, 0.5)).
 */
export async function loadModelImage(path: string, size: number): Promise<Float32Array> {
  let raw: Buffer;
  try {
    raw = await sharp(path).rotate().removeAlpha().resize(size, size, { fit: 'cover', kernel: 'lanczos3' }).toColourspace('srgb').raw().toBuffer();
  } catch (error) {
    throw new Error(`${path}: cannot read the photo (${(error as Error).message})`, { cause: error });
  }
  const count = size * size;
  const out = new Float32Array(3 * count);
  for (let p = 0; p < count; p++) for (let c = 0; c < 3; c++) out[c * count + p] = raw[p * 3 + c] / 127.5 - 1;
  return out;
}

/** [3, S, S] planar floats → interleaved 8-bit RGB; `low`/`high` map to 0/255 (save_image's rounding). */
export function quantise(planar: Float32Array, size: number, low = -1, high = 1): Uint8Array {
  const count = size * size;
  const out = new Uint8Array(3 * count);
  const scale = 1 / (high - low);
  for (let p = 0; p < count; p++) {
    for (let c = 0; c < 3; c++) {
      const unit = Math.min(1, Math.max(0, (planar[c * count + p] - low) * scale));
      out[p * 3 + c] = Math.min(255, Math.floor(unit * 255 + 0.5));
    }
  }
  return out;
}

/** Interleaved 8-bit RGB → PNG bytes. */
export async function encodePng(rgb: Uint8Array, width: number, height = width): Promise<Buffer> {
  return sharp(Buffer.from(rgb.buffer, rgb.byteOffset, rgb.byteLength), { raw: { width, height, channels: 3 } }).png({ compressionLevel: 6 }).toBuffer();
}

/** PNG (or any image) bytes → interleaved 8-bit RGB and size. */
export async function decodeRgb(bytes: Buffer | string): Promise<{ data: Uint8Array; width: number; height: number }> {
  const { data, info } = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height };
}

/** The three physical buffers [9, S, S] (rendered, normal, albedo) as displayable 8-bit images. */
export function bufferImages(physical: Float32Array, size: number): { rendered: Uint8Array; normal: Uint8Array; albedo: Uint8Array } {
  const plane = 3 * size * size;
  return {
    rendered: quantise(physical.subarray(0, plane), size, 0, 1),
    normal: quantise(physical.subarray(plane, 2 * plane), size, -1, 1),
    albedo: quantise(physical.subarray(2 * plane, 3 * plane), size, 0, 1),
  };
}
