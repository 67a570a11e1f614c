/**
 * Reads any supported checkpoint file into a state dict: PyTorch zip checkpoints (.pt, .pth,
 * .tar, .ckpt, .bin), .safetensors and .npz (arrays named by key; `/` may stand for `.`).
 * The format is chosen by content where possible, by extension otherwise; every error names
 * the file.
 */
import { readFileSync, statSync } from 'node:fs';
import { readNpz } from '../io/npy';
import { readSafetensors } from './safetensors';
import type { StateDict } from './stateDict';
import { tensorFromNdArray } from './stateDict';
import { readTorchCheckpoint } from './torch';

export type { StateDict } from './stateDict';

/** A loaded checkpoint. */
export interface LoadedCheckpoint {
  path: string;
  format: 'torch-zip' | 'safetensors' | 'npz';
  stateDict: StateDict;
  /** For torch files: '' or the entry the state dict came from (e.g. Lightning's 'state_dict'). */
  location: string;
  sizeBytes: number;
  /** The file's bytes (for hashing; tensors may share this memory). */
  bytes: Uint8Array;
}

/** Reads a checkpoint file. */
export function readCheckpoint(path: string): LoadedCheckpoint {
  let bytes: Uint8Array;
  try {
    if (statSync(path).isDirectory()) throw new Error('is a directory');
    bytes = readFileSync(path);
  } catch (error) {
    throw new Error(`${path}: cannot read (${(error as Error).message})`, { cause: error });
  }
  return readCheckpointBytes(bytes, path);
}

/** Reads checkpoint bytes; `path` picks the format by extension when content is ambiguous. */
export function readCheckpointBytes(bytes: Uint8Array, path: string): LoadedCheckpoint {
  const lower = path.toLowerCase();
  const base = { path, sizeBytes: bytes.length, bytes };
  if (lower.endsWith('.safetensors')) {
    return { ...base, format: 'safetensors', stateDict: readSafetensors(bytes, path).stateDict, location: '' };
  }
  if (lower.endsWith('.npz')) {
    const arrays = readNpz(bytes, path);
    const stateDict: StateDict = new Map();
    for (const [name, array] of arrays) stateDict.set(name.replaceAll('/', '.'), tensorFromNdArray(array, `${path}: ${name}`));
    return { ...base, format: 'npz', stateDict, location: '' };
  }
  const torch = readTorchCheckpoint(bytes, path);
  return { ...base, format: 'torch-zip', stateDict: torch.stateDict, location: torch.location };
}
