import { useId, useState } from 'react';
import { useTransport } from '../app/BackendProvider';
import { useNotify } from '../app/NoticesProvider';
import { FileBrowserDialog } from '../components/FileBrowserDialog';

export interface FolderFieldProps {
  label: string;
  value: string;
  onChange: (value: string) => void;
  placeholder?: string;
}

/** A folder path typed or chosen with Browse… (native dialog in Electron, server browser in serve mode). */
export function FolderField({ label, value, onChange, placeholder = '/path/to/folder' }: FolderFieldProps) {
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
      const [path] = await transport.pickPaths({ kind: 'folders', multiple: false, title: label });
      if (path) onChange(path);
    } catch (e) {
      notify.error(e, 'Could not open the folder dialog');
    }
  };
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <span className="field-row">
        <input id={id} value={value} onChange={(e) => onChange(e.target.value)} placeholder={placeholder} spellCheck={false} />
        <button type="button" onClick={() => void browse()} aria-label={`Browse for ${label.toLowerCase()}`}>
          Browse…
        </button>
      </span>
      {browsing && (
        <FileBrowserDialog
          title={label}
          mode="folder"
          initialDir={value || undefined}
          onChoose={([path]) => {
            setBrowsing(false);
            onChange(path);
          }}
          onClose={() => setBrowsing(false)}
        />
      )}
    </div>
  );
}
