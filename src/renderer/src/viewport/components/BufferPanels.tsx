import { useRef } from 'react';
import type { PackedHeadModel } from '../../../../common/contract/viewport';
import { useBufferWorker } from '../hooks/useBufferWorker';
import type { RigStore } from '../rig/rigStore';

export interface BufferPanelsProps {
  model: PackedHeadModel | null;
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
export function BufferPanels({ model, store, size = 256, displaySize = 168 }: BufferPanelsProps) {
  const rendered = useRef<HTMLCanvasElement>(null);
  const normal = useRef<HTMLCanvasElement>(null);
  const albedo = useRef<HTMLCanvasElement>(null);
  const status = useRef<HTMLParagraphElement>(null);
  const refs = { rendered, normal, albedo };
  useBufferWorker(model, store, size, { rendered, normal, albedo, status });

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
