import { useState } from 'react';
import type { DirEntry } from '../../../common/contract';
import { errorMessage } from '../api';
import { useApi } from '../app/BackendProvider';
import { useQuery } from '../hooks/useQuery';
import { Modal } from './Modal';
import { Icon } from './Icon';

export interface FileBrowserDialogProps {
  title: string;
  /** 'pick' selects files and/or folders to import; 'folder' chooses the folder being shown. */
  mode?: 'pick' | 'folder';
  confirmLabel?: string;
  initialDir?: string;
  onChoose: (paths: string[]) => void;
  onClose: () => void;
}

/**
 * Browses folders on the machine running `rig-studio serve` (through fs.list): a browser page
 * cannot see the server's disk, and a native dialog would open on the wrong machine.
 */
export function FileBrowserDialog({ title, mode = 'pick', confirmLabel, initialDir, onChoose, onClose }: FileBrowserDialogProps) {
  const api = useApi();
  const [dir, setDir] = useState<string | undefined>(initialDir);
  const [typed, setTyped] = useState(initialDir ?? '');
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const listing = useQuery(async () => {
    const result = await api['fs.list'](dir === undefined ? {} : { dir });
    setTyped(result.dir);
    return result;
  }, dir ?? '');

  const open = (path: string) => {
    setSelected(new Set());
    setDir(path);
  };
  const toggle = (entry: DirEntry) =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(entry.path)) next.delete(entry.path);
      else next.add(entry.path);
      return next;
    });
  const entries = listing.data?.entries ?? [];
  const current = listing.data?.dir;
  const chosen = mode === 'folder' ? (current ? [current] : []) : [...selected];

  return (
    <Modal
      title={title}
      onClose={onClose}
      className="file-browser"
      actions={
        <>
          <span className="muted">{mode === 'pick' ? `${selected.size} selected` : current}</span>
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
        <input aria-label="Folder path" value={typed} onChange={(e) => setTyped(e.target.value)} spellCheck={false} />
        <button type="submit">Go</button>
      </form>
      {listing.error !== undefined && (
        <p className="form-error" role="alert">
          {errorMessage(listing.error)}
        </p>
      )}
      {mode === 'pick' && entries.length > 0 && (
        <div className="file-browser-tools">
          <button type="button" className="link-button" onClick={() => setSelected(new Set(entries.map((e) => e.path)))}>
            Select all
          </button>
          <button type="button" className="link-button" onClick={() => setSelected(new Set())}>
            Select none
          </button>
        </div>
      )}
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
            ) : (
              <span className="file-entry">
                <Icon name="image" size={15} /> {entry.name}
              </span>
            )}
          </li>
        ))}
        {listing.data && entries.length === 0 && <li className="muted">This folder is empty.</li>}
      </ul>
    </Modal>
  );
}
