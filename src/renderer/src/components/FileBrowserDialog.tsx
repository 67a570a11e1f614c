import { useEffect, useRef, useState } from 'react';
import type { DirEntry } from '../../../common/contract';
import { errorMessage } from '../api';
import { useApi } from '../providers/BackendProvider';
import { useQuery } from '../hooks/useQuery';
import { Modal } from './Modal';
import { Icon } from './Icon';
import { entryIcon, fileKinds, lastDirKey, matchesKinds, startDir, type FileKind } from './fileKinds';

function readStored(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

function store(key: string, value: string): void {
  try {
    window.localStorage.setItem(key, value);
  } catch {
    // storage refused (private mode): the next dialog starts at the default folder
  }
}

/** "3 selected", or "3 selected (2 in other folders)" when the selection spans folders. */
function selectionSummary(selected: ReadonlySet<string>, shown: readonly DirEntry[]): string {
  const here = shown.filter((e) => selected.has(e.path)).length;
  const elsewhere = selected.size - here;
  return elsewhere > 0 ? `${selected.size} selected (${elsewhere} in other folders)` : `${selected.size} selected`;
}

export interface FileBrowserDialogProps {
  title: string;
  /** 'pick' selects files and/or folders to import; 'folder' chooses the folder being shown. */
  mode?: 'pick' | 'folder';
  confirmLabel?: string;
  initialDir?: string;
  /** The kinds of file asked for: other files are hidden (a "Show all files" switch shows them). */
  kinds?: FileKind[];
  /** Where the dialog remembers its last folder (e.g. 'photos', 'checkpoints'); it starts there next time. */
  purpose?: string;
  /** Only one file can be chosen (a settings path): a click selects it, a double-click chooses it. */
  single?: boolean;
  onChoose: (paths: string[]) => void;
  onClose: () => void;
}

/**
 * Browses folders on the machine running `rig-studio serve` (through fs.list): a browser page
 * cannot see the server's disk, and a native dialog would open on the wrong machine.
 */
export function FileBrowserDialog({ title, mode = 'pick', confirmLabel, initialDir, kinds = [], purpose = 'any', single = false, onChoose, onClose }: FileBrowserDialogProps) {
  const api = useApi();
  const [first] = useState(() => ({ dir: startDir(initialDir, readStored, purpose), remembered: !initialDir }));
  const [dir, setDir] = useState<string | undefined>(first.dir);
  const [typed, setTyped] = useState(first.dir ?? '');
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [showAll, setShowAll] = useState(false);
  const listing = useQuery(async () => {
    let result;
    try {
      result = await api['fs.list'](dir === undefined ? {} : { dir });
    } catch (e) {
      // a remembered folder that is gone: start at the default one instead
      if (first.remembered && dir === first.dir && dir !== undefined) {
        result = await api['fs.list']({});
      } else throw e;
    }
    return result;
  }, dir ?? '');
  // The field shows the folder listed, unless the user has gone to the field (focused or typed)
  // since asking for it: a listing that arrives late (a slow first listing) must never overwrite
  // what is being typed, not even between selecting the field's text and typing over it.
  const typedSinceAsked = useRef(false);
  const listedDir = listing.data?.dir;
  useEffect(() => {
    if (listedDir === undefined) return;
    store(lastDirKey(purpose), listedDir);
    store(lastDirKey('any'), listedDir);
    if (!typedSinceAsked.current) setTyped(listedDir);
  }, [listedDir, purpose]);

  // The selection is kept across folders: files picked in two folders import together.
  const open = (path: string) => {
    typedSinceAsked.current = false;
    setDir(path);
  };
  const toggle = (entry: DirEntry) =>
    setSelected((current) => {
      if (single) return current.has(entry.path) ? new Set() : new Set([entry.path]);
      const next = new Set(current);
      if (next.has(entry.path)) next.delete(entry.path);
      else next.add(entry.path);
      return next;
    });
  const all = listing.data?.entries ?? [];
  const entries = showAll ? all : all.filter((e) => e.kind === 'dir' || matchesKinds(e.name, kinds));
  const hidden = all.length - entries.length;
  const kindLabel = kinds.map((k) => fileKinds[k].label).join(', ');
  const current = listing.data?.dir;
  const chosen = mode === 'folder' ? (current ? [current] : []) : [...selected];

  return (
    <Modal
      title={title}
      onClose={onClose}
      className="file-browser"
      actions={
        <>
          <span className="muted">{mode === 'pick' ? selectionSummary(selected, entries) : current}</span>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="primary" disabled={chosen.length === 0} onClick={() => onChoose(chosen)}>
            {confirmLabel ?? (mode === 'pick' ? 'Import selected' : 'Use this folder')}
          </button>
        </>
      }
    >
      <form
        className="path-bar"
        onSubmit={(event) => {
          event.preventDefault();
          if (typed.trim()) open(typed.trim());
        }}
      >
        <button type="button" aria-label="Parent folder" disabled={!listing.data?.parent} onClick={() => listing.data?.parent && open(listing.data.parent)}>
          ↑
        </button>
        <input
          aria-label="Folder path"
          value={typed}
          onFocus={() => (typedSinceAsked.current = true)}
          onChange={(e) => {
            typedSinceAsked.current = true;
            setTyped(e.target.value);
          }}
          spellCheck={false}
        />
        <button type="submit">Go</button>
      </form>
      {listing.error !== undefined && (
        <p className="form-error" role="alert">
          {errorMessage(listing.error)}
        </p>
      )}
      <div className="file-browser-tools">
        {mode === 'pick' && !single && entries.length > 0 && (
          <>
            <button type="button" className="link-button" onClick={() => setSelected((current) => new Set([...current, ...entries.map((e) => e.path)]))}>
              Select all
            </button>
            <button type="button" className="link-button" onClick={() => setSelected((current) => new Set([...current].filter((path) => !entries.some((e) => e.path === path))))}>
              Select none
            </button>
          </>
        )}
        {kinds.length > 0 && (
          <label className="check small">
            <input type="checkbox" checked={showAll} onChange={(e) => setShowAll(e.target.checked)} /> Show all files
            {!showAll && hidden > 0 && <span className="muted"> ({hidden} not {kindLabel} hidden)</span>}
          </label>
        )}
      </div>
      <ul className="file-list" aria-label="Folder contents" aria-busy={listing.loading}>
        {entries.map((entry) => (
          <li key={entry.path} className={selected.has(entry.path) ? 'selected' : undefined}>
            {mode === 'pick' && (
              <input type="checkbox" aria-label={`Select ${entry.name}`} checked={selected.has(entry.path)} onChange={() => toggle(entry)} />
            )}
            {entry.kind === 'dir' ? (
              <button type="button" className="link-button file-entry" aria-label={`Open folder ${entry.name}`} onClick={() => open(entry.path)}>
                <Icon name="folder" size={15} /> {entry.name}
              </button>
            ) : mode === 'pick' ? (
              <button
                type="button"
                className="link-button file-entry file-entry-file"
                aria-pressed={selected.has(entry.path)}
                title={single ? 'Click to select, double-click to choose' : 'Click to select or deselect'}
                onClick={() => toggle(entry)}
                onDoubleClick={() => single && onChoose([entry.path])}
              >
                <Icon name={entryIcon(entry)} size={15} /> {entry.name}
              </button>
            ) : (
              <span className="file-entry muted">
                <Icon name={entryIcon(entry)} size={15} /> {entry.name}
              </span>
            )}
          </li>
        ))}
        {listing.data && entries.length === 0 && <li className="muted">{hidden > 0 ? `No ${kindLabel} here (${hidden} other ${hidden === 1 ? 'file' : 'files'}: Show all files).` : 'This folder is empty.'}</li>}
      </ul>
    </Modal>
  );
}
