import { useState } from 'react';

export type MeshFormat = 'obj' | 'ply' | 'gltf';

export interface ExportButtonsProps {
  /** Builds the file for the current mesh (synchronous: a few ms for FLAME). */
  build: (format: MeshFormat) => { bytes: Uint8Array | string; mime: string };
  /** File name without extension. */
  baseName?: string;
}

const formats: { id: MeshFormat; label: string; extension: string }[] = [
  { id: 'obj', label: 'OBJ', extension: 'obj' },
  { id: 'ply', label: 'PLY', extension: 'ply' },
  { id: 'gltf', label: 'glTF', extension: 'gltf' },
];

/** Saves the current mesh as a browser download (works the same in Electron and serve mode). */
export function ExportButtons({ build, baseName = 'head' }: ExportButtonsProps) {
  const [error, setError] = useState<string | null>(null);
  const save = (format: (typeof formats)[number]) => {
    try {
      const { bytes, mime } = build(format.id);
      const blob = new Blob([typeof bytes === 'string' ? bytes : new Uint8Array(bytes)], { type: mime });
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = `${baseName}.${format.extension}`;
      document.body.appendChild(link);
      link.click();
      link.remove();
      // Give the browser time to start the download before the URL goes away.
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setError(null);
    } catch (err) {
      setError(`Export as ${format.label} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  return (
    <div className="viewport-export" role="group" aria-label="Export mesh">
      <span>Export mesh</span>
      {formats.map((format) => (
        <button key={format.id} type="button" data-testid={`export-${format.id}`} onClick={() => save(format)}>
          {format.label}
        </button>
      ))}
      {error && <p className="error" role="alert">{error}</p>}
    </div>
  );
}
