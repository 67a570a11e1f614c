import type { IconName } from './Icon';

/** Kinds of file a browse dialog can ask for, by extension. */
export const fileKinds = {
  photo: { label: 'photos', extensions: ['.jpg', '.jpeg', '.png', '.webp', '.tif', '.tiff', '.avif'] },
  checkpoint: { label: 'checkpoints', extensions: ['.pt', '.pth', '.tar', '.ckpt', '.bin', '.safetensors', '.npz'] },
  yaml: { label: 'YAML files', extensions: ['.yaml', '.yml'] },
  flame: { label: 'FLAME files', extensions: ['.pkl', '.npz', '.npy', '.obj', '.pt', '.pth', '.tar', '.bin'] },
  onnx: { label: 'ONNX models', extensions: ['.onnx'] },
} as const;

export type FileKind = keyof typeof fileKinds;

/** True when `name` has one of the extensions (case-insensitive); no kinds means any file. */
export function matchesKinds(name: string, kinds: readonly FileKind[]): boolean {
  if (kinds.length === 0) return true;
  const lower = name.toLowerCase();
  return kinds.some((k) => fileKinds[k].extensions.some((ext) => lower.endsWith(ext)));
}

/** The icon of a listed entry: folders, photos, model files, anything else. */
export function entryIcon(entry: { kind: 'dir' | 'file'; name: string }): IconName {
  if (entry.kind === 'dir') return 'folder';
  if (matchesKinds(entry.name, ['photo'])) return 'image';
  if (matchesKinds(entry.name, ['checkpoint', 'onnx'])) return 'model';
  return 'file';
}

/** Storage key of the folder a browse dialog was last in, per purpose (photos, checkpoints, settings files). */
export function lastDirKey(purpose: string): string {
  return `rig-studio.fs-last-dir:${purpose}`;
}

/** The folder to start in: the one given, else where this purpose was last, else where any browse was last, else the server's home. */
export function startDir(given: string | undefined, read: (key: string) => string | null, purpose: string): string | undefined {
  return given || read(lastDirKey(purpose)) || read(lastDirKey('any')) || undefined;
}
