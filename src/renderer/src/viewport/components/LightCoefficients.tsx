import { useEffect, useRef } from 'react';
import type { RigStore } from '../rig/rigStore';

export interface LightCoefficientsProps {
  store: RigStore;
}

const basisNames = ['1', 'x', 'y', 'z', 'xy', 'xz', 'yz', 'x²−y²', '3z²−1'];
const channels = ['R', 'G', 'B'];

/**
 * DECA's raw 9×3 SH light coefficients as editable numbers. Inputs are uncontrolled and
 * refreshed from the store after edits elsewhere (gizmo, reset), skipping the focused one.
 */
export function LightCoefficients({ store }: LightCoefficientsProps) {
  const inputs = useRef<(HTMLInputElement | null)[]>([]);

  useEffect(() => {
    const sync = () => {
      inputs.current.forEach((input, i) => {
        if (!input || input === document.activeElement) return;
        const text = store.codes.light[i].toFixed(3);
        if (input.value !== text) input.value = text;
      });
    };
    sync();
    return store.onChange(sync);
  }, [store]);

  return (
    <table className="light-coefficients" data-testid="light-coefficients">
      <thead>
        <tr>
          <th scope="col">SH</th>
          {channels.map((c) => (
            <th key={c} scope="col">{c}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {basisNames.map((name, k) => (
          <tr key={name}>
            <th scope="row">{name}</th>
            {channels.map((c, channel) => (
              <td key={c}>
                <input
                  ref={(element) => {
                    inputs.current[k * 3 + channel] = element;
                  }}
                  type="number"
                  step={0.05}
                  aria-label={`light ${name} ${c}`}
                  onChange={(event) => {
                    const value = Number(event.currentTarget.value);
                    if (!Number.isFinite(value)) return;
                    store.codes.light[k * 3 + channel] = value;
                    store.changed();
                  }}
                />
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
