import sharp, { type Exif } from 'sharp';
import { describe, expect, it } from 'vitest';
import { readExif } from '../../../src/main/library/import/exif';

async function exifOf(tags: Exif): Promise<Buffer> {
  const jpeg = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#888' } }).withExif(tags).jpeg().toBuffer();
  return (await sharp(jpeg).metadata()).exif!;
}

describe('readExif', () => {
  it('reads camera, lens, date and exposure written by libexif', async () => {
    const exif = await exifOf({
      IFD0: { Make: 'Canon', Model: 'EOS R5', Software: 'studio 1.0' },
      IFD2: { DateTimeOriginal: '2024:05:01 10:20:30', ExposureTime: '1/250', FNumber: '28/10', ISOSpeedRatings: '400', FocalLength: '50/1', LensModel: 'RF50mm F1.8' },
    });
    expect(readExif(exif)).toEqual({
      cameraMake: 'Canon',
      cameraModel: 'EOS R5',
      software: 'studio 1.0',
      takenAt: '2024:05:01 10:20:30',
      exposureTime: '1/250 s',
      fNumber: 'f/2.8',
      iso: 400,
      focalLength: '50 mm',
      lensModel: 'RF50mm F1.8',
    });
  });

  it('gives what it can from damaged or foreign blocks, never throws', async () => {
    const exif = await exifOf({ IFD0: { Make: 'Nikon' } });
    expect(readExif(undefined)).toEqual({});
    expect(readExif(Buffer.from('Exif\0\0XX garbage'))).toEqual({});
    for (let cut = 0; cut < exif.length; cut += 7) expect(() => readExif(exif.subarray(0, cut))).not.toThrow();
    const corrupted = Buffer.from(exif);
    for (let i = 20; i < corrupted.length; i += 3) corrupted[i] ^= 0xff;
    expect(() => readExif(corrupted)).not.toThrow();
  });
});
