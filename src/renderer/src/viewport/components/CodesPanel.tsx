import { useRef, useState } from 'react';
import type { LoadedCodes } from '../../../../common/contract/viewport';

export interface CodesPanelProps {
  /** Reads codes from a .npz the user picked (row `index` of a batch). */
  onLoad: (file: File, index: number) => Promise<LoadedCodes>;
  /** Called with the loaded codes once they are read. */
  onLoaded: (loaded: LoadedCodes, fileName: string) => void;
  /** Shows a local image behind the head (the crop the camera refers to); null clears it. */
  onPhoto?: (url: string | null) => void;
}

/** Loading DECA codes from a .npz (shape, exp, pose, cam, light; batched files pick a row). */
export function CodesPanel({ onLoad, onLoaded, onPhoto }: CodesPanelProps) {
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  const [index, setIndex] = useState(0);
  const photoUrl = useRef<string | null>(null);

  const load = async (file: File) => {
    setBusy(true);
    setMessage(null);
    try {
      const loaded = await onLoad(file, index);
      onLoaded(loaded, file.name);
      const missing = ['shape', 'exp', 'pose', 'cam', 'light'].filter((name) => !loaded.found.includes(name));
      setMessage({
        text: `${file.name}: row ${loaded.index + 1} of ${loaded.count}` + (missing.length ? ` (no ${missing.join(', ')}: defaults used)` : ''),
        error: false,
      });
    } catch (err) {
      setMessage({ text: err instanceof Error ? err.message : String(err), error: true });
    } finally {
      setBusy(false);
    }
  };

  return (
    <fieldset className="viewport-group codes-panel">
      <legend>Codes</legend>
      <label className="file-button">
        Load .npz…
        <input
          type="file"
          accept=".npz"
          data-testid="codes-file"
          disabled={busy}
          onChange={(event) => {
            const file = event.currentTarget.files?.[0];
            event.currentTarget.value = '';
            if (file) void load(file);
          }}
        />
      </label>
      <label>
        row <input type="number" min={1} data-testid="codes-row" value={index + 1} onChange={(event) => setIndex(Math.max(0, Number(event.currentTarget.value) - 1))} style={{ width: '4em' }} />
      </label>
      {onPhoto && (
        <label className="file-button">
          Photo…
          <input
            type="file"
            accept="image/*"
            onChange={(event) => {
              const file = event.currentTarget.files?.[0];
              event.currentTarget.value = '';
              if (photoUrl.current) URL.revokeObjectURL(photoUrl.current);
              photoUrl.current = file ? URL.createObjectURL(file) : null;
              onPhoto(photoUrl.current);
            }}
          />
        </label>
      )}
      {busy && <p>reading…</p>}
      {message && (
        <p className={message.error ? 'error' : 'note'} role={message.error ? 'alert' : 'status'} data-testid="codes-message">
          {message.text}
        </p>
      )}
    </fieldset>
  );
}
