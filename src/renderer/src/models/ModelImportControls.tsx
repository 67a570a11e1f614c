import { useRef, useState } from 'react';
import type { StageProgress } from '../api';
import { useTransport } from '../providers/BackendProvider';
import { useNotify } from '../providers/NoticesProvider';
import { FileBrowserDialog } from '../components/FileBrowserDialog';
import { ProgressBar } from '../components/ProgressBar';

export interface ModelImportControlsProps {
  /** Checkpoint paths on the backend's machine, to inspect and import. */
  onPaths: (paths: string[]) => void;
}

const accept = '.pt,.pth,.tar,.ckpt,.bin,.safetensors,.npz';

/**
 * "Upload checkpoint…" (a browser file, uploaded in serve mode or read in place in Electron) and
 * "Import from disk…" (the native dialog in Electron, the server's folders in serve mode).
 */
export function ModelImportControls({ onPaths }: ModelImportControlsProps) {
  const transport = useTransport();
  const notify = useNotify();
  const input = useRef<HTMLInputElement>(null);
  const [browsing, setBrowsing] = useState(false);
  const [upload, setUpload] = useState<StageProgress | null>(null);

  const fromDisk = async () => {
    if (!transport.pickPaths) {
      setBrowsing(true);
      return;
    }
    try {
      const paths = await transport.pickPaths({ kind: 'files', multiple: true, imagesOnly: false, title: 'Import DiffusionRig checkpoints' });
      if (paths.length > 0) onPaths(paths);
    } catch (e) {
      notify.error(e, 'Could not open the file dialog');
    }
  };

  const onPicked = async (element: HTMLInputElement) => {
    const files = [...(element.files ?? [])];
    element.value = '';
    if (files.length === 0) return;
    setUpload({ done: 0, total: files.length, bytesDone: 0, bytesTotal: files.reduce((a, f) => a + f.size, 0) });
    try {
      onPaths(await transport.stageFiles(files, setUpload));
    } catch (e) {
      notify.error(e, 'Could not upload the checkpoint');
    } finally {
      setUpload(null);
    }
  };

  return (
    <div className="import-controls">
      {upload && (
        <span className="model-upload" role="status">
          Uploading {upload.done} of {upload.total}…
          <ProgressBar value={upload.bytesTotal ? upload.bytesDone / upload.bytesTotal : null} label="Upload progress" />
        </span>
      )}
      <button type="button" disabled={upload !== null} onClick={() => input.current?.click()}>
        Upload checkpoint…
      </button>
      <button type="button" className="primary" disabled={upload !== null} onClick={() => void fromDisk()}>
        Import from disk…
      </button>
      <input ref={input} type="file" multiple accept={accept} hidden aria-label="Upload checkpoint files" onChange={(e) => void onPicked(e.currentTarget)} />
      {browsing && (
        <FileBrowserDialog
          title="Import checkpoints from disk"
          confirmLabel="Check selected"
          kinds={['checkpoint']}
          purpose="checkpoints"
          onChoose={(paths) => {
            setBrowsing(false);
            onPaths(paths);
          }}
          onClose={() => setBrowsing(false)}
        />
      )}
    </div>
  );
}
