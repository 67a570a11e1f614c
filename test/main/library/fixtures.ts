import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { deflateSync } from 'node:zlib';

/** A fresh temporary folder, removed by the returned cleanup. */
export function tempDir(prefix = 'rig-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Raw RGB noise-free gradient so every (seed) gives different bytes. */
function pixels(width: number, height: number, seed: number): Buffer {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      data[i] = (x * 7 + seed * 31) & 255;
      data[i + 1] = (y * 5 + seed * 17) & 255;
      data[i + 2] = (x + y + seed * 101) & 255;
    }
  }
  return data;
}

export type Format = 'jpeg' | 'png' | 'webp' | 'tiff' | 'avif';

/** Encodes a small distinct test image; `orientation` sets the EXIF tag (JPEG). */
export async function makeImage(options: { width?: number; height?: number; seed?: number; format?: Format; orientation?: number } = {}): Promise<Buffer> {
  const { width = 64, height = 48, seed = 1, format = 'jpeg', orientation } = options;
  let img = sharp(pixels(width, height, seed), { raw: { width, height, channels: 3 } });
  if (orientation) img = img.withMetadata({ orientation });
  return img.toFormat(format).toBuffer();
}

/** Writes makeImage(...) to `path` and returns the bytes. */
export async function writeImage(path: string, options: Parameters<typeof makeImage>[0] = {}): Promise<Buffer> {
  const data = await makeImage(options);
  writeFileSync(path, data);
  return data;
}

/**
 * A valid PNG header whose IHDR claims width×height, followed by one row of pixel data: what a
 * decompression bomb or a broken writer looks like. The import must refuse it by its size.
 */
export function pngHeaderClaiming(width: number, height: number): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf: Buffer) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 255] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, body: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(body.length);
    const typed = Buffer.concat([Buffer.from(type, 'ascii'), body]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(typed));
    return Buffer.concat([len, typed, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.alloc(1 + width * 3))), chunk('IEND', Buffer.alloc(0))]);
}
