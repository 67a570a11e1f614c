/**
 * Reads zip archives (torch.save's `.pt` and numpy's `.npz`) member by member, so that opening
 * one costs nothing until a member is read, and a zip bomb cannot take the memory: a member is
 * inflated only when asked for, never past the size the central directory declares for it (nor
 * past what the caller expects), and never past an absolute limit. Stored members are views of
 * the archive's bytes. ZIP64 is read (torch.save writes it for large files).
 */
import { inflateRawSync } from 'node:zlib';

/** No member is inflated beyond this (stored members are views, so they cost nothing). */
export const maxInflatedMemberBytes = 1024 ** 3;
/** Nor does one archive inflate more than this in all. */
export const maxInflatedArchiveBytes = 2 * 1024 ** 3;

export interface ZipLimits {
  memberBytes?: number;
  archiveBytes?: number;
}

interface Entry {
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

const u32Max = 0xffffffff;

function u64(view: DataView, at: number): number {
  const value = view.getBigUint64(at, true);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error('a ZIP64 size or offset is impossibly large');
  return Number(value);
}

/** A zip archive's members by name; `what` (the file's path) prefixes every error. */
export class ZipArchive {
  private readonly entries = new Map<string, Entry>();
  private readonly view: DataView;
  private readonly memberLimit: number;
  private readonly archiveLimit: number;
  private inflated = 0;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly what: string,
    limits: ZipLimits = {},
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.memberLimit = limits.memberBytes ?? maxInflatedMemberBytes;
    this.archiveLimit = limits.archiveBytes ?? maxInflatedArchiveBytes;
    this.readDirectory();
  }

  /** Member names, in directory order. */
  names(): string[] {
    return [...this.entries.keys()];
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** The size the directory declares for a member (what reading it will cost at most). */
  declaredSize(name: string): number | undefined {
    return this.entries.get(name)?.size;
  }

  /**
   * A member's bytes. `neededBytes`, when the caller knows how many it uses (a torch storage's
   * numel × item size), also caps what a compressed member may inflate to.
   */
  read(name: string, neededBytes?: number): Uint8Array {
    const entry = this.entries.get(name);
    if (!entry) throw new Error(`${this.what}: the archive has no member ${name}`);
    const where = `${this.what}: member ${name}`;
    if (neededBytes !== undefined && entry.method !== 0 && entry.size > neededBytes) {
      throw new Error(`${where} would inflate to ${entry.size} bytes where ${neededBytes} are needed; refusing it (a zip bomb or a damaged file)`);
    }
    if (entry.flags & 1) throw new Error(`${where} is encrypted, which is not read`);
    const view = this.view;
    const at = entry.localOffset;
    if (at + 30 > this.bytes.length || view.getUint32(at, true) !== 0x04034b50) throw new Error(`${where} has no local header at byte ${at}; the archive is damaged or truncated`);
    const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
    const end = start + entry.compressedSize;
    if (end > this.bytes.length) throw new Error(`${where} ends at byte ${end} of ${this.bytes.length}; the archive is truncated`);
    const raw = this.bytes.subarray(start, end);
    if (entry.method === 0) {
      if (entry.compressedSize !== entry.size) throw new Error(`${where} is stored but declares ${entry.size} bytes in ${entry.compressedSize}; the archive is damaged`);
      return raw;
    }
    if (entry.method !== 8) throw new Error(`${where} uses compression method ${entry.method}; only stored and deflated members are read`);
    if (entry.size > this.memberLimit) {
      throw new Error(`${where} would inflate to ${entry.size} bytes, more than the limit of ${this.memberLimit}; refusing it (a zip bomb, or not a file for Rig Studio)`);
    }
    if (this.inflated + entry.size > this.archiveLimit) {
      throw new Error(`${this.what}: its members would inflate to more than ${this.archiveLimit} bytes in all; refusing it (a zip bomb, or not a file for Rig Studio)`);
    }
    let out: Buffer;
    try {
      // Never more than declared: a member that inflates further is refused, not allocated.
      out = entry.size === 0 ? Buffer.alloc(0) : inflateRawSync(raw, { maxOutputLength: entry.size });
    } catch (error) {
      const tooLarge = (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
      throw new Error(tooLarge ? `${where} inflates to more than the ${entry.size} bytes it declares; refusing it (a zip bomb or a damaged file)` : `${where} does not inflate (${(error as Error).message}); the archive is damaged`, { cause: error });
    }
    if (out.length !== entry.size) throw new Error(`${where} inflates to ${out.length} bytes, not the ${entry.size} it declares; the archive is damaged`);
    this.inflated += out.length;
    return out;
  }

  private readDirectory(): void {
    const { bytes, view, what } = this;
    // The end-of-directory record: the last 22 bytes, or further back by a comment of up to 64 KiB.
    let eocd = -1;
    for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--) {
      if (view.getUint32(i, true) === 0x06054b50) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw new Error(`${what}: no zip end-of-directory record; the archive is damaged or truncated`);
    let count = view.getUint16(eocd + 10, true);
    let directorySize = view.getUint32(eocd + 12, true);
    let directoryOffset = view.getUint32(eocd + 16, true);
    if (count === 0xffff || directorySize === u32Max || directoryOffset === u32Max) {
      const locator = eocd - 20;
      if (locator < 0 || view.getUint32(locator, true) !== 0x07064b50) throw new Error(`${what}: ZIP64 archive without its locator; the archive is damaged`);
      const record = u64(view, locator + 8);
      if (record + 56 > bytes.length || view.getUint32(record, true) !== 0x06064b50) throw new Error(`${what}: ZIP64 end record missing; the archive is damaged`);
      count = u64(view, record + 32);
      directorySize = u64(view, record + 40);
      directoryOffset = u64(view, record + 48);
    }
    if (directoryOffset + directorySize > bytes.length) throw new Error(`${what}: the zip directory lies beyond the end of the file; the archive is truncated`);
    const decoder = new TextDecoder();
    let at = directoryOffset;
    for (let n = 0; n < count; n++) {
      if (at + 46 > bytes.length || view.getUint32(at, true) !== 0x02014b50) throw new Error(`${what}: zip directory entry ${n} is damaged`);
      const nameLength = view.getUint16(at + 28, true);
      const extraLength = view.getUint16(at + 30, true);
      const commentLength = view.getUint16(at + 32, true);
      if (at + 46 + nameLength + extraLength > bytes.length) throw new Error(`${what}: zip directory entry ${n} is truncated`);
      const entry: Entry = {
        name: decoder.decode(bytes.subarray(at + 46, at + 46 + nameLength)),
        flags: view.getUint16(at + 8, true),
        method: view.getUint16(at + 10, true),
        compressedSize: view.getUint32(at + 20, true),
        size: view.getUint32(at + 24, true),
        localOffset: view.getUint32(at + 42, true),
      };
      this.readZip64Extra(entry, at + 46 + nameLength, extraLength);
      this.entries.set(entry.name, entry);
      at += 46 + nameLength + extraLength + commentLength;
    }
  }

  /** Fields that did not fit in 32 bits are in the ZIP64 extra field, in this order. */
  private readZip64Extra(entry: Entry, start: number, length: number): void {
    const view = this.view;
    for (let at = start; at + 4 <= start + length; ) {
      const id = view.getUint16(at, true);
      const size = view.getUint16(at + 2, true);
      if (id === 0x0001) {
        let field = at + 4;
        const next = (): number => {
          if (field + 8 > at + 4 + size) throw new Error(`${this.what}: member ${entry.name} has a short ZIP64 field`);
          const value = u64(view, field);
          field += 8;
          return value;
        };
        if (entry.size === u32Max) entry.size = next();
        if (entry.compressedSize === u32Max) entry.compressedSize = next();
        if (entry.localOffset === u32Max) entry.localOffset = next();
        return;
      }
      at += 4 + size;
    }
  }
}
