import { useCallback, useEffect, useRef } from 'react';
import type { RigStore } from '../rig/rigStore';
import { lightDirection, setLightDirection } from '../../../../common/flame/light';

export interface LightGizmoProps {
  store: RigStore;
  /** Side of the gizmo in CSS pixels. */
  size?: number;
}

/**
 * The light's direction as a point on a sphere seen from the camera: drag the point to move the
 * light (front hemisphere inside the disc; hold Alt to place it behind the head). Edits only the
 * first-order SH rows, keeping their per-channel strength. The dot moves through refs, not state.
 */
export function LightGizmo({ store, size = 132 }: LightGizmoProps) {
  const dot = useRef<SVGCircleElement>(null);
  const svg = useRef<SVGSVGElement>(null);
  const radius = size / 2 - 8;
  const centre = size / 2;

  const place = useCallback(() => {
    const [x, y, z] = lightDirection(store.codes.light);
    if (!dot.current) return;
    dot.current.setAttribute('cx', String(centre + x * radius));
    dot.current.setAttribute('cy', String(centre - y * radius));
    dot.current.setAttribute('fill', z >= 0 ? '#ffd35a' : '#6b6b6b');
  }, [store, centre, radius]);

  useEffect(() => {
    place();
    // Light edits in the coefficient table or a reset move the dot too.
    return store.onChange(place);
  }, [store, place]);

  const pointTo = (event: React.PointerEvent<SVGSVGElement>) => {
    const box = svg.current?.getBoundingClientRect();
    if (!box) return;
    let x = (event.clientX - box.left - centre) / radius;
    let y = -(event.clientY - box.top - centre) / radius;
    const planar = Math.hypot(x, y);
    if (planar > 1) {
      x /= planar;
      y /= planar;
    }
    const z = Math.sqrt(Math.max(0, 1 - x * x - y * y)) * (event.altKey ? -1 : 1);
    setLightDirection(store.codes.light, [x, y, z]);
    store.changed();
  };

  return (
    <svg
      ref={svg}
      className="light-gizmo"
      data-testid="light-gizmo"
      width={size}
      height={size}
      role="slider"
      aria-label="Light direction"
      onPointerDown={(event) => {
        event.currentTarget.setPointerCapture(event.pointerId);
        pointTo(event);
      }}
      onPointerMove={(event) => {
        if (event.buttons & 1) pointTo(event);
      }}
    >
      <defs>
        <radialGradient id="light-gizmo-sphere" cx="40%" cy="35%" r="70%">
          <stop offset="0%" stopColor="#5b6270" />
          <stop offset="100%" stopColor="#23262d" />
        </radialGradient>
      </defs>
      <circle cx={centre} cy={centre} r={radius} fill="url(#light-gizmo-sphere)" stroke="#8a93a3" />
      <line x1={centre - radius} y1={centre} x2={centre + radius} y2={centre} stroke="#444b57" />
      <line x1={centre} y1={centre - radius} x2={centre} y2={centre + radius} stroke="#444b57" />
      <circle ref={dot} r={7} fill="#ffd35a" stroke="#000" />
    </svg>
  );
}
