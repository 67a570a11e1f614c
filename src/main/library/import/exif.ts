/**
 * Reads the few EXIF fields a researcher wants to see next to a photo (camera, lens, date,
 * exposure). Written here rather than adding a dependency: it is one bounded walk over two
 * TIFF IFDs of the buffer sharp already extracted, and every read is range-checked, so a
 * damaged EXIF block yields fewer fields, never an exception.
 */

/** Tag → our field name, for IFD0 and the Exif sub-IFD. */
const ifd0Tags: Record<number, string> = { 0x010f: 'cameraMake', 0x0110: 'cameraModel', 0x0131: 'software', 0x0132: 'modifiedAt' };
const exifTags: Record<number, string> = {
  0x9003: 'takenAt',
  0x829a: 'exposureTime',
  0x829d: 'fNumber',
  0x8827: 'iso',
  0x920a: 'focalLength',
  0xa434: 'lensModel',
};
const exifPointerTag = 0x8769;
const typeSizes: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 7: 1, 9: 4, 10: 8 };

/** EXIF fields found in `exif` (sharp's metadata().exif, with or without the "Exif\0\0" header). */
export function readExif(exif: Buffer | undefined): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  if (!exif || exif.length < 8) return out;
  const tiff = exif.subarray(0, 6).toString('latin1') === 'Exif\0\0' ? exif.subarray(6) : exif;
  const order = tiff.subarray(0, 2).toString('latin1');
  if (order !== 'II' && order !== 'MM') return out;
  const little = order === 'II';
  const u16 = (o: number) => (o + 2 <= tiff.length ? (little ? tiff.readUInt16LE(o) : tiff.readUInt16BE(o)) : -1);
  const u32 = (o: number) => (o + 4 <= tiff.length ? (little ? tiff.readUInt32LE(o) : tiff.readUInt32BE(o)) : -1);
  const i32 = (o: number) => (o + 4 <= tiff.length ? (little ? tiff.readInt32LE(o) : tiff.readInt32BE(o)) : 0);

  function value(type: number, count: number, at: number): string | number | undefined {
    const size = (typeSizes[type] ?? 0) * count;
    if (size === 0) return undefined;
    const offset = size <= 4 ? at : u32(at);
    if (offset < 0 || offset + size > tiff.length) return undefined;
    switch (type) {
      case 2:
        return tiff.subarray(offset, offset + count).toString('latin1').replace(/\0.*$/s, '').trim() || undefined;
      case 3:
        return u16(offset);
      case 4:
        return u32(offset);
      case 5:
      case 10: {
        const num = type === 5 ? u32(offset) : i32(offset);
        const den = type === 5 ? u32(offset + 4) : i32(offset + 4);
        return den === 0 ? undefined : Number((num / den).toPrecision(6));
      }
      default:
        return undefined;
    }
  }

  function walk(ifd: number, names: Record<number, string>): number | null {
    const entries = u16(ifd);
    if (entries < 0 || entries > 1000) return null;
    let subIfd: number | null = null;
    for (let i = 0; i < entries; i++) {
      const at = ifd + 2 + i * 12;
      const tag = u16(at);
      const type = u16(at + 2);
      const count = u32(at + 4);
      if (tag < 0 || count < 0) break;
      if (tag === exifPointerTag) subIfd = u32(at + 8);
      const name = names[tag];
      if (!name) continue;
      const v = value(type, count, at + 8);
      if (v !== undefined) out[name] = v;
    }
    return subIfd;
  }

  const sub = walk(u32(4), ifd0Tags);
  if (sub !== null && sub > 0) walk(sub, exifTags);
  if (typeof out.exposureTime === 'number' && out.exposureTime > 0 && out.exposureTime < 1) out.exposureTime = `1/${Math.round(1 / out.exposureTime)} s`;
  else if (typeof out.exposureTime === 'number') out.exposureTime = `${out.exposureTime} s`;
  if (typeof out.fNumber === 'number') out.fNumber = `f/${out.fNumber}`;
  if (typeof out.focalLength === 'number') out.focalLength = `${out.focalLength} mm`;
  return out;
}
