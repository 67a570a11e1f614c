import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { LoadedCodes, PackedHeadModel } from '../../common/contract/viewport';
import type { ActiveHeadModel } from '../head/activeModel';
import { AppError } from '../core/errors';
import { packHeadModel } from '../head/packHeadModel';
import { readCodesNpz } from './codesFile';

export interface ViewportServiceDeps {
  /** A cheap key for the active model (files' paths and times): reloading only when it changes. */
  activeModelKey: () => string;
  /** Loads the active model: the researcher's FLAME file from settings, else the demo head. */
  loadActiveModel: () => Promise<ActiveHeadModel>;
}

/**
 * Serves the viewport's channels: the packed head model (cached per model, since packing
 * FLAME's bases is ~12 MB of base64) and codes read from .npz files on the backend.
 */
export class ViewportService {
  private cached: { key: string; packed: PackedHeadModel } | null = null;

  constructor(private readonly deps: ViewportServiceDeps) {}

  /** The active head model in the contract's wire form. */
  async model(): Promise<PackedHeadModel> {
    const key = this.deps.activeModelKey();
    if (this.cached?.key === key) return this.cached.packed;
    const active = await this.deps.loadActiveModel();
    const packed = packHeadModel(active.model, { source: active.source, label: active.label, path: active.path, albedo: active.albedo ?? null });
    this.cached = { key: active.key, packed };
    return packed;
  }

  /** Codes from a .npz on the backend's disk (an uploaded copy or a path the user browsed to). */
  async codes(path: string, index = 0): Promise<LoadedCodes> {
    // Every failure here is about the file the user gave: a client error (400/404), not 'internal'.
    if (!path.toLowerCase().endsWith('.npz')) throw new AppError('invalid-params', `${basename(path)}: codes are read from .npz files`);
    let bytes: Uint8Array;
    try {
      bytes = await readFile(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new AppError(code === 'ENOENT' ? 'not-found' : 'invalid-params', `${basename(path)}: cannot read the file (${code ?? String(err)})`);
    }
    try {
      return readCodesNpz(bytes, basename(path), index);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      throw new AppError('invalid-params', message.includes(basename(path)) ? message : `${basename(path)}: ${message}`);
    }
  }
}
