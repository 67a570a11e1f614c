import { useRef } from 'react';
import type { FlameModel } from '../../../../common/flame/model';
import type { Texture } from '../../../../common/render/decaBuffers';
import { useBufferWorker } from '../hooks/useBufferWorker';
import type { RigStore } from '../rig/rigStore';

export interface BufferPanelsProps {
  model: FlameModel | null;
  /** The albedo texture (float RGB, row 0 at the top); null for DECA's flat albedo. */
  albedo?: Texture | null;
  store: RigStore;
  /** Buffer resolution (DiffusionRig trains at 256). */
  size?: number;
  /** Displayed side of each panel in CSS pixels. */
  displaySize?: number;
}

const panels = [
  { key: 'rendered', label: 'Rendered', hint: 'albedo × SH shading' },
  { key: 'normal', label: 'Normal', hint: 'vertex normals, [−1, 1] shown as colour' },
  { key: 'albedo', label: 'Albedo', hint: 'texture through the UVs' },
] as const;

/** DiffusionRig's three physical buffers for the current codes, as 2D images beside the view. */
export function BufferPanels({ model, albedo = null, store, size = 256, displaySize = 168 }: BufferPanelsProps) {
  const renderedCanvas = useRef<HTMLCanvasElement>(null);
  const normalCanvas = useRef<HTMLCanvasElement>(null);
  const albedoCanvas = useRef<HTMLCanvasElement>(null);
  const status = useRef<HTMLParagraphElement>(null);
  const refs = { rendered: renderedCanvas, normal: normalCanvas, albedo: albedoCanvas };
  useBufferWorker(model, albedo, store, size, { rendered: renderedCanvas, normal: normalCanvas, albedo: albedoCanvas, status });

  return (
    <section className="buffer-panels" aria-label="DECA buffers">
      {panels.map((panel) => (
        <figure key={panel.key} className="buffer-panel">
          <canvas ref={refs[panel.key]} width={size} height={size} data-testid={`buffer-${panel.key}`} style={{ width: displaySize, height: displaySize }} title={panel.hint} />
          <figcaption>{panel.label}</figcaption>
        </figure>
      ))}
      <p ref={status} className="buffer-status" data-testid="buffer-status">
        computing…
      </p>
    </section>
  );
}
