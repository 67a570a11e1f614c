import { useId, useState, type ReactNode } from 'react';
import { useTransport } from '../providers/BackendProvider';
import { useNotify } from '../providers/NoticesProvider';
import { FileBrowserDialog } from '../components/FileBrowserDialog';
import type { FileKind } from './fileKinds';

export interface PathFieldProps {
  label: string;
  value: string;
  onChange: (value: string) => void;
  /** A file (FLAME .pkl, checkpoint, cfg.yaml) or a folder (DECA data). */
  kind: 'file' | 'folder';
  placeholder?: string;
  /** Shown under the field (what the file is, where it comes from). */
  hint?: ReactNode;
  testId?: string;
  /** Offer a Clear button while the field has a value (default true). */
  clearable?: boolean;
  /** The kinds of file Browse… lists (others hidden behind "Show all files"). */
  fileKinds?: FileKind[];
}

function parentOf(path: string): string | undefined {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return cut > 0 ? path.slice(0, cut) : undefined;
}

/**
 * A path on the backend's machine, typed or chosen with Browse…: the native dialog in Electron,
 * the server-side browser (fs.list) in serve mode, where the browser cannot see that disk. Used
 * for Settings' model files and folders and for the project folders of the Projects view.
 */
export function PathField({ label, value, onChange, kind, placeholder, hint, testId, clearable = true, fileKinds }: PathFieldProps) {
  const transport = useTransport();
  const notify = useNotify();
  const [browsing, setBrowsing] = useState(false);
  const id = useId();

  const browse = async () => {
    if (!transport.pickPaths) {
      setBrowsing(true);
      return;
    }
    try {
      const [path] = await transport.pickPaths({ kind: kind === 'file' ? 'files' : 'folders', multiple: false, imagesOnly: false, title: label });
      if (path) onChange(path);
    } catch (e) {
      notify.error(e, `Could not open the ${kind} dialog`);
    }
  };

  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <span className="field-row">
        <input id={id} data-testid={testId} value={value} onChange={(e) => onChange(e.target.value)} placeholder={placeholder ?? (kind === 'file' ? '/path/to/file' : '/path/to/folder')} spellCheck={false} />
        <button type="button" onClick={() => void browse()} aria-label={`Browse for ${label.toLowerCase()}`}>
          Browse…
        </button>
        {clearable && value && (
          <button type="button" className="small" onClick={() => onChange('')} aria-label={`Clear ${label.toLowerCase()}`}>
            Clear
          </button>
        )}
      </span>
      {hint && <span className="muted small">{hint}</span>}
      {browsing && (
        <FileBrowserDialog
          title={label}
          mode={kind === 'file' ? 'pick' : 'folder'}
          confirmLabel={kind === 'file' ? 'Use selected file' : 'Use this folder'}
          initialDir={(kind === 'file' ? parentOf(value) : value) || undefined}
          kinds={fileKinds}
          purpose={kind === 'file' ? 'settings-files' : 'folders'}
          single={kind === 'file'}
          onChoose={(paths) => {
            setBrowsing(false);
            if (paths[0]) onChange(paths[paths.length - 1]);
          }}
          onClose={() => setBrowsing(false)}
        />
      )}
    </div>
  );
}
