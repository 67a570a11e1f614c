import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { HeadModelInfo, LoadedCodes, PackedHeadModel } from '../../common/contract/viewport';
import type { FlameModel } from '../../common/flame/model';
import { readCodesNpz } from './codesFile';
import { packHeadModel } from './packHeadModel';

/** The head model the viewport should show, as found by whoever knows the settings. */
export interface ActiveHeadModel {
  model: FlameModel;
  source: HeadModelInfo['source'];
  label: string;
  /** The model file, null for the built-in demo head. */
  path: string | null;
  /** An albedo texture for display, (H,W,3) RGB bytes; null means flat albedo. */
  albedo?: { rgb: Uint8Array; height: number; width: number } | null;
  /** Changes whenever the model does (e.g. settings point at another file): the cache key. */
  key: string;
}

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
    if (!path.toLowerCase().endsWith('.npz')) throw new Error(`${basename(path)}: codes are read from .npz files`);
    let bytes: Uint8Array;
    try {
      bytes = await readFile(path);
    } catch (err) {
      throw new Error(`${basename(path)}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
    return readCodesNpz(bytes, basename(path), index);
  }
}
