// Files dropped on the page, folders included. Browsers hand folders over only as
// FileSystemEntry trees (webkitGetAsEntry), which must be grabbed during the drop event.

/** Hidden files (".DS_Store", "._photo.jpg") are never photos and are left out. */
function wanted(name: string): boolean {
  return !name.startsWith('.');
}

function readAll(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  // readEntries returns at most ~100 entries per call; read until it returns none.
  return new Promise((resolve, reject) => {
    const all: FileSystemEntry[] = [];
    const next = () =>
      reader.readEntries((batch) => {
        if (batch.length === 0) resolve(all);
        else {
          all.push(...batch);
          next();
        }
      }, reject);
    next();
  });
}

async function walk(entry: FileSystemEntry, out: File[]): Promise<void> {
  if (!wanted(entry.name)) return;
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    out.push(file);
  } else if (entry.isDirectory) {
    for (const child of await readAll((entry as FileSystemDirectoryEntry).createReader())) await walk(child, out);
  }
}

/**
 * The dropped items as top-level File objects (for Electron, where each has a path and the
 * backend walks folders itself) and as every file inside them (for uploads in serve mode).
 */
export function droppedItems(data: DataTransfer): { topLevel: File[]; expand: () => Promise<File[]> } {
  const topLevel = Array.from(data.files);
  const entries = Array.from(data.items)
    .map((item) => (item.kind === 'file' ? item.webkitGetAsEntry() : null))
    .filter((entry): entry is FileSystemEntry => entry !== null);
  return {
    topLevel,
    expand: async () => {
      if (entries.length === 0) return topLevel.filter((f) => wanted(f.name));
      const out: File[] = [];
      for (const entry of entries) await walk(entry, out);
      return out;
    },
  };
}

/** Files from a file input, without hidden files. */
export function pickedFiles(list: FileList | null): File[] {
  return Array.from(list ?? []).filter((f) => wanted(f.name));
}
