import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import sharp, { type Metadata } from 'sharp';
import { writeFileAtomic } from '../atomicFile';
import { readExif } from './exif';
import { realFileInside } from '../confined';
import { blobPath, thumbPath } from '../paths';

/** Larger images are refused before decoding (a header can claim any size). */
export const maxMegapixels = 100;
/** Thumbnails fit in this square. */
export const thumbSize = 256;

export interface IngestInput {
  source: string;
  blobs: string;
  thumbs: string;
  tmp: string;
}

export interface IngestedImage {
  ok: true;
  hash: string;
  bytes: number;
  /** jpeg | png | webp | tiff | avif, from the content, never the extension. */
  format: string;
  /** Upright size (after EXIF orientation). */
  width: number;
  height: number;
  orientation: number;
  metadata: Record<string, string | number>;
}

export type IngestOutcome = IngestedImage | { ok: false; reason: string };

function readError(e: unknown): string {
  const code = (e as { code?: string }).code;
  if (code === 'ENOENT') return 'file not found';
  if (code === 'EACCES' || code === 'EPERM') return 'cannot read the file: permission denied';
  if (code === 'EISDIR') return 'is a folder, not a file';
  return `cannot read the file: ${(e as Error).message}`;
}

/** sharp's names → ours; AVIF is HEIF with AV1 compression (HEIC/HEVC is not supported). */
function formatOf(meta: Metadata): string | null {
  switch (meta.format) {
    case 'jpeg':
    case 'png':
    case 'webp':
    case 'tiff':
      return meta.format;
    case 'heif':
      return meta.compression === 'av1' ? 'avif' : null;
    default:
      return null;
  }
}

function describeMetadata(meta: Metadata): Record<string, string | number> {
  const picked: Record<string, unknown> = {
    colorSpace: meta.space,
    channels: meta.channels,
    bitDepth: meta.depth,
    density: meta.density,
    chromaSubsampling: meta.chromaSubsampling,
    progressive: meta.isProgressive === undefined ? undefined : meta.isProgressive ? 'yes' : 'no',
    alpha: meta.hasAlpha === undefined ? undefined : meta.hasAlpha ? 'yes' : 'no',
    iccProfile: meta.hasProfile === undefined ? undefined : meta.hasProfile ? 'yes' : 'no',
    exif: meta.exif ? `${meta.exif.length} bytes` : undefined,
    pages: meta.pages && meta.pages > 1 ? meta.pages : undefined,
    ...readExif(meta.exif),
  };
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(picked)) if (typeof v === 'string' || typeof v === 'number') out[k] = v;
  return out;
}

/**
 * Checks one file and stores it: reads and hashes the bytes, detects the format from the
 * content, refuses empty, unsupported, oversized or corrupt files with a reason, writes the
 * original to blobs/ and an upright 256-px WebP thumbnail to thumbs/ (each atomically, and
 * only if not already there). Runs in a worker thread; the caller inserts the rows after.
 */
export async function ingestFile(input: IngestInput): Promise<IngestOutcome> {
  let data: Buffer;
  try {
    const info = await stat(input.source);
    if (info.isDirectory()) return { ok: false, reason: 'is a folder, not a file' };
    if (!info.isFile()) return { ok: false, reason: 'not a regular file' };
    if (info.size === 0) return { ok: false, reason: 'empty file (zero bytes)' };
    data = await readFile(input.source);
  } catch (e) {
    return { ok: false, reason: readError(e) };
  }
  if (data.length === 0) return { ok: false, reason: 'empty file (zero bytes)' };

  let meta: Metadata;
  try {
    // Header only: no pixel limit here, so an oversized image gets its own message below.
    meta = await sharp(data, { limitInputPixels: false }).metadata();
  } catch (e) {
    const message = (e as Error).message;
    return { ok: false, reason: /unsupported image format/i.test(message) ? 'not an image in a supported format (JPEG, PNG, WebP, TIFF, AVIF)' : `corrupt image: ${message}` };
  }
  const format = formatOf(meta);
  if (!format) {
    const what = meta.format === 'heif' ? `heif/${meta.compression ?? 'unknown'}` : String(meta.format);
    return { ok: false, reason: `unsupported format (${what}); supported: JPEG, PNG, WebP, TIFF, AVIF` };
  }
  const rawWidth = meta.width ?? 0;
  const rawHeight = meta.height ?? 0;
  if (rawWidth <= 0 || rawHeight <= 0) return { ok: false, reason: 'corrupt image: no size in the header' };
  const megapixels = (rawWidth * rawHeight) / 1e6;
  if (megapixels > maxMegapixels) {
    return { ok: false, reason: `too large: ${rawWidth}×${rawHeight} is ${megapixels.toFixed(0)} megapixels (limit ${maxMegapixels})` };
  }

  let thumb: Buffer;
  try {
    // Decoding the whole image here is also the corruption check (sharp fails on truncation).
    thumb = await sharp(data, { limitInputPixels: maxMegapixels * 1e6 + 1 })
      .rotate()
      .resize(thumbSize, thumbSize, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 80 })
      .toBuffer();
  } catch (e) {
    return { ok: false, reason: `corrupt or truncated image: ${(e as Error).message}` };
  }

  const hash = createHash('sha256').update(data).digest('hex');
  const blob = blobPath(input, hash);
  const thumbFile = thumbPath(input, hash);
  try {
    // An existing file is kept only when it really lies in the project: a link a received project
    // carried (to /etc/shadow, say) is replaced (the rename swaps the link itself, not its target).
    if ((await realFileInside(blob, input.blobs)) === null) await writeFileAtomic(blob, data, input.tmp);
    if ((await realFileInside(thumbFile, input.thumbs)) === null) await writeFileAtomic(thumbFile, thumb, input.tmp);
  } catch (e) {
    // The project folder itself failed (disk full, permissions): not the file's fault, so the job stops.
    throw new Error(`cannot store ${input.source} in the project: ${(e as Error).message}`);
  }
  const orientation = meta.orientation ?? 1;
  const swap = orientation >= 5;
  return {
    ok: true,
    hash,
    bytes: data.length,
    format,
    width: swap ? rawHeight : rawWidth,
    height: swap ? rawWidth : rawHeight,
    orientation,
    metadata: describeMetadata(meta),
  };
}

/** The worker task photo import needs from a pool. */
export type IngestTasks = { ingest: typeof ingestFile };
