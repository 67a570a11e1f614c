import { useState } from 'react';
import type { HeadExportFormatName, TextureSummary } from '../../../common/contract/export';
import type { FlameCodes } from '../../../common/flame/codes';
import { errorMessage } from '../api';
import { useApi } from '../providers/BackendProvider';
import { downloadBytes, fromBase64 } from './download';

export interface ExportHeadButtonProps {
  /** The photo whose fitted head is exported (its codes in use over its aligned crop). */
  photoId?: number;
  /** Or an edit result (its codes over its generated image). */
  resultId?: number;
  /** With `photoId`: the codes to pose the head with right now (the viewport's sliders). */
  currentCodes?: () => FlameCodes;
}

const formats: { id: HeadExportFormatName; label: string }[] = [
  { id: 'glb', label: 'glTF binary (.glb)' },
  { id: 'gltf', label: 'glTF (.gltf, embedded)' },
  { id: 'obj', label: 'OBJ + MTL + PNG (.zip)' },
];

/** Share of the texture in percent, for the summary line. */
function share(n: number, t: TextureSummary): string {
  return `${Math.round((100 * n) / (t.textureSize * t.textureSize))} %`;
}

/**
 * "Export textured head": the backend bakes the photo's UV texture through the fitted camera and
 * sends the file, which is saved as a download (serve mode: the browser's downloads; the
 * desktop app: Electron's save dialog, where the user picks the place).
 */
export function ExportHeadButton({ photoId, resultId, currentCodes }: ExportHeadButtonProps) {
  const api = useApi();
  const [format, setFormat] = useState<HeadExportFormatName>('glb');
  const [state, setState] = useState<{ busy: true } | { error: string } | { done: string } | null>(null);
  const busy = state !== null && 'busy' in state;
  const run = () => {
    setState({ busy: true });
    api['export.head']({ photoId: photoId ?? null, resultId: resultId ?? null, format, codes: currentCodes?.() }).then(
      (file) => {
        downloadBytes(file.fileName, fromBase64(file.base64), file.mime);
        const t = file.texture;
        setState({ done: `Saved ${file.fileName}: texture ${t.textureSize}², ${share(t.photo, t)} from the photo, ${share(t.mirror, t)} mirrored, ${share(t.albedo, t)} albedo, ${share(t.spread, t)} filled.` });
      },
      (e: unknown) => setState({ error: `Could not export the textured head: ${errorMessage(e)}` }),
    );
  };
  return (
    <div className="export-head" role="group" aria-label="Export textured head" style={{ display: 'flex', flexWrap: 'wrap', gap: '0.5rem', alignItems: 'center' }}>
      <select aria-label="Textured head format" value={format} disabled={busy} onChange={(e) => setFormat(e.target.value as HeadExportFormatName)}>
        {formats.map((f) => (
          <option key={f.id} value={f.id}>
            {f.label}
          </option>
        ))}
      </select>
      <button type="button" data-testid="export-textured-head" disabled={busy} onClick={run} title="The fitted head with a texture sampled from the photo through the fitted camera">
        {busy ? 'Baking the texture…' : 'Export textured head'}
      </button>
      {state && 'done' in state && (
        <p className="muted small" role="status" data-testid="export-head-status">
          {state.done}
        </p>
      )}
      {state && 'error' in state && (
        <p className="form-error" role="alert">
          {state.error}
        </p>
      )}
    </div>
  );
}
