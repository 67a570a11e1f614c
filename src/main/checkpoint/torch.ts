/**
 * PyTorch checkpoints (`.pt`, `.pth`, `.tar`, `.ckpt`, `.bin`) in the zip format torch.save
 * has written since 1.6: `<archive>/data.pkl` (the pickled object, tensors as persistent ids)
 * plus `<archive>/data/<key>` (raw storages). The pickle reader is io/pickle.ts; this module
 * resolves storages, finds the state dict (plain, or Lightning's nested `state_dict`), and
 * converts tensors (HalfStorage is widened to float32 by the reader). Legacy (pre-1.6,
 * non-zip) files and anything else get an error saying what the file is.
 */
import type { NdArray } from '../io/ndarray';
import { isNdArray } from '../io/ndarray';
import { unpickle, type UnpickleOptions } from '../io/pickle';
import { torchZipPersistentLoad } from '../io/torchStorage';
import { ZipArchive } from '../io/zip';
import type { StateDict } from './stateDict';
import { tensorFromNdArray } from './stateDict';

/** What was found besides the tensors. */
export interface TorchCheckpoint {
  stateDict: StateDict;
  /** Where the state dict sat in the pickled object ('' = top level, 'state_dict' = Lightning). */
  location: string;
  /** Non-tensor entries of the top-level dict (e.g. Lightning's epoch, global_step). */
  extras: string[];
}

const zipMagic = [0x50, 0x4b, 0x03, 0x04];

function startsWith(bytes: Uint8Array, magic: number[]): boolean {
  return magic.every((b, i) => bytes[i] === b);
}

/** Describes a file that is not a torch zip checkpoint. */
function notZipMessage(bytes: Uint8Array): string {
  if (bytes.length === 0) return 'the file is empty';
  if (bytes[0] === 0x80 && bytes[1] >= 2 && bytes[1] <= 5) {
    return 'this is a legacy (pre-1.6, non-zip) torch.save file, which Rig Studio does not read; re-save it with a current PyTorch (torch.save(torch.load(path), path)) or convert it to .safetensors';
  }
  if (bytes[0] === 0x93 && String.fromCharCode(...bytes.subarray(1, 6)) === 'NUMPY') return 'this is a .npy file, not a PyTorch checkpoint';
  if (bytes.length >= 8 && bytes[8] === 0x7b) return 'this looks like a .safetensors file; give it the .safetensors extension';
  return 'not a PyTorch zip checkpoint (no zip header)';
}

/** Reads a torch zip checkpoint from bytes; `what` (the path) prefixes every error. */
export function readTorchCheckpoint(bytes: Uint8Array, what: string): TorchCheckpoint {
  return findStateDict(readTorchObject(bytes, what), what);
}

/**
 * The whole unpickled object of a torch zip file (tensors as NdArrays), for files that nest
 * several state dicts (DECA's `deca_model.tar`: `E_flame`, `E_detail`, `D_detail`).
 */
export function readTorchObject(bytes: Uint8Array, what: string, options: Pick<UnpickleOptions, 'opaqueGlobals'> = {}): unknown {
  if (!startsWith(bytes, zipMagic)) throw new Error(`${what}: ${notZipMessage(bytes)}`);
  let zip: ZipArchive;
  try {
    zip = new ZipArchive(bytes, what);
  } catch (error) {
    const detail = (error as Error).message.replace(`${what}: `, '');
    throw new Error(`${what}: the zip archive is damaged or truncated (${detail}); copy the file again`, { cause: error });
  }
  const pickleName = zip.names().find((n) => /^[^/]+\/data\.pkl$/.test(n));
  if (!pickleName) {
    throw new Error(`${what}: zip file without <archive>/data.pkl, so not a torch.save checkpoint (entries: ${zip.names().slice(0, 5).join(', ')})`);
  }
  const archive = pickleName.slice(0, -'data.pkl'.length);
  // Only the members the pickle names are read, each at the size its storage needs.
  const readEntry = (key: string, neededBytes: number) => {
    const name = `${archive}data/${key}`;
    if (!zip.has(name)) throw new Error(`${what}: storage ${name} is missing from the archive (truncated file?)`);
    return zip.read(name, neededBytes);
  };
  let value: unknown;
  try {
    value = unpickle(zip.read(pickleName), { persistentLoad: torchZipPersistentLoad(readEntry), what: `${what}:${pickleName}`, opaqueGlobals: options.opaqueGlobals });
  } catch (error) {
    const message = (error as Error).message;
    throw new Error(message.startsWith(what) ? message : `${what}: ${message}`, { cause: error });
  }
  return value;
}

function isTensorMap(value: unknown): value is Map<string, unknown> {
  if (!(value instanceof Map) || value.size === 0) return false;
  let tensors = 0;
  for (const v of value.values()) if (isNdArray(v)) tensors++;
  return tensors > 0 && tensors >= value.size / 2;
}

/** Flattens nested dicts of tensors into dotted keys (DECA's {'E_flame': {...}} layout). */
function flatten(dict: Map<unknown, unknown>, prefix: string, out: Map<string, unknown>, extras: string[]): void {
  for (const [key, value] of dict) {
    const name = `${prefix}${String(key)}`;
    if (isNdArray(value)) out.set(name, value);
    else if (value instanceof Map) flatten(value, `${name}.`, out, extras);
    else extras.push(name);
  }
}

/**
 * Picks the state dict out of a loaded object: the dict itself, its `state_dict` / `model` /
 * `module` entry (Lightning and common training scripts), or else every nested tensor under
 * dotted keys.
 */
function findStateDict(value: unknown, what: string): TorchCheckpoint {
  if (!(value instanceof Map)) throw new Error(`${what}: the checkpoint holds ${describe(value)}, not a state dict`);
  let location = '';
  const extras: string[] = [];
  const tensors = new Map<string, unknown>();
  const entry = isTensorMap(value) ? undefined : ['state_dict', 'model', 'module', 'model_state_dict', 'net'].find((k) => isTensorMap(value.get(k)));
  if (entry) {
    location = entry;
    flatten(value.get(entry) as Map<unknown, unknown>, '', tensors, extras);
    for (const k of value.keys()) if (k !== entry) extras.push(String(k));
  } else {
    flatten(value, '', tensors, extras);
  }
  if (tensors.size === 0) throw new Error(`${what}: no tensors found (top-level keys: ${[...value.keys()].slice(0, 10).join(', ')})`);
  const stateDict: StateDict = new Map();
  for (const [key, tensor] of tensors) stateDict.set(key, tensorFromNdArray(tensor as NdArray, `${what}: ${key}`));
  return { stateDict, location, extras };
}

function describe(value: unknown): string {
  if (value === null) return 'None';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (isNdArray(value)) return `a single tensor [${value.shape.join(',')}]`;
  return typeof value;
}
