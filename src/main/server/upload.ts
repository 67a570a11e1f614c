import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { AppError } from '../core/errors';

/** One uploaded file may not be larger than this. */
export const maxUploadBytes = 1024 ** 3;

const batchPattern = /^[A-Za-z0-9_-]{1,64}$/;
let counter = 0;

/**
 * Stages one uploaded file under `<uploads>/<batch>/<n>/<name>` (the original name is kept,
 * so the import reports it by name) and returns its path. The name may not carry folders.
 */
export async function stageUpload(req: IncomingMessage, uploadsDir: string, name: string | null, batch: string | null): Promise<string> {
  if (!batch || !batchPattern.test(batch)) throw new AppError('invalid-params', 'upload needs batch=ID (letters, digits, - and _, at most 64)');
  if (!name || name.length > 255 || name.includes('\0') || name !== basename(name) || name.includes('\\') || name === '.' || name === '..') {
    throw new AppError('invalid-params', `upload needs name=FILE_NAME without folders (got ${JSON.stringify(name)})`);
  }
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxUploadBytes) throw new AppError('invalid-params', `${name} is larger than ${maxUploadBytes} bytes`);
  const dir = join(uploadsDir, batch, String(++counter));
  await mkdir(dir, { recursive: true });
  const target = join(dir, name);
  let seen = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (seen > maxUploadBytes) done(new AppError('invalid-params', `${name} is larger than ${maxUploadBytes} bytes`));
      else done(null, chunk);
    },
  });
  await pipeline(req, limit, createWriteStream(target));
  return target;
}
