import { useRef, useState } from 'react';
import { useTransport } from '../providers/BackendProvider';
import { useNotify } from '../providers/NoticesProvider';
import { FileBrowserDialog } from '../components/FileBrowserDialog';
import { pickedFiles } from './dropFiles';
import type { Importer } from './useImport';

export interface ImportControlsProps {
  importer: Importer;
  disabled?: boolean;
}

const accept = 'image/jpeg,image/png,image/webp,image/tiff,image/avif,.jpg,.jpeg,.png,.webp,.tif,.tiff,.avif';

/** "Add files…", "Add folder…" (browser pickers) and "Import from disk…" (backend paths). */
export function ImportControls({ importer, disabled = false }: ImportControlsProps) {
  const transport = useTransport();
  const notify = useNotify();
  const filesInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);
  const [browsing, setBrowsing] = useState(false);

  const fromDisk = async () => {
    if (!transport.pickPaths) {
      setBrowsing(true);
      return;
    }
    try {
      await importer.importPaths(await transport.pickPaths({ kind: 'any', multiple: true, title: 'Import photos' }));
    } catch (e) {
      notify.error(e, 'Could not open the file dialog');
    }
  };
  const onPicked = (input: HTMLInputElement | null) => {
    if (!input) return;
    const files = pickedFiles(input.files);
    input.value = '';
    void importer.importFiles(files);
  };

  return (
    <div className="import-controls">
      <button type="button" disabled={disabled} onClick={() => filesInput.current?.click()}>
        Add files…
      </button>
      <button type="button" disabled={disabled} onClick={() => folderInput.current?.click()}>
        Add folder…
      </button>
      <button type="button" className="primary" disabled={disabled} onClick={() => void fromDisk()}>
        Import from disk…
      </button>
      <input ref={filesInput} type="file" multiple accept={accept} hidden aria-label="Upload files" onChange={(e) => onPicked(e.currentTarget)} />
      <input
        ref={folderInput}
        type="file"
        multiple
        hidden
        aria-label="Upload folder"
        onChange={(e) => onPicked(e.currentTarget)}
        {...{ webkitdirectory: '', directory: '' }}
      />
      {browsing && (
        <FileBrowserDialog
          title="Import from disk"
          kinds={['photo']}
          purpose="photos"
          onChoose={(paths) => {
            setBrowsing(false);
            void importer.importPaths(paths);
          }}
          onClose={() => setBrowsing(false)}
        />
      )}
    </div>
  );
}
