import { join } from 'node:path';
import sharp from 'sharp';

/**
 * Writes `count` small JPEGs named photo-0000.jpg…, each a different colour pattern so no two
 * share a content hash (the import would report them as duplicates).
 */
export async function writeDistinctPhotos(dir: string, count: number, size = 48): Promise<string[]> {
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const pixels = Buffer.alloc(size * size * 3);
    for (let p = 0; p < size * size; p++) {
      pixels[p * 3] = (i * 7 + p) & 255;
      pixels[p * 3 + 1] = (i >> 3) & 255;
      pixels[p * 3 + 2] = (p * 3 + i) & 255;
    }
    const name = `photo-${String(i).padStart(4, '0')}.jpg`;
    await sharp(pixels, { raw: { width: size, height: size, channels: 3 } }).jpeg({ quality: 80 }).toFile(join(dir, name));
    names.push(name);
  }
  return names;
}
