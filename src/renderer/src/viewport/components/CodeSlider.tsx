import { useEffect, useRef } from 'react';
import type { RigStore } from '../rig/rigStore';
import { rangeHolding } from '../../components/sliderRange';

export interface CodeSliderProps {
  store: RigStore;
  label: string;
  /** Reads the slider's value from the store (called on mount and whenever the rig is replaced). */
  read: (store: RigStore) => number;
  /** Writes a new value into the store. */
  write: (store: RigStore, value: number) => void;
  min?: number;
  max?: number;
  step?: number;
  digits?: number;
  testId?: string;
}

/**
 * One range input bound to the rig store. Uncontrolled on purpose: dragging writes straight into
 * the store (the scene picks it up on the next frame) and updates the number beside it through a
 * ref, so a drag never re-renders React.
 */
export function CodeSlider({ store, label, read, write, min = -3, max = 3, step = 0.01, digits = 2, testId }: CodeSliderProps) {
  const input = useRef<HTMLInputElement>(null);
  const readout = useRef<HTMLOutputElement>(null);

  useEffect(() => {
    const sync = () => {
      const value = read(store);
      if (input.current) {
        // the range always holds the value the estimator or the file gave: a thumb is never pinned at an end
        const [low, high] = rangeHolding(min, max, value);
        input.current.min = String(low);
        input.current.max = String(high);
        input.current.value = String(value);
      }
      if (readout.current) readout.current.textContent = value.toFixed(digits);
    };
    sync();
    return store.onReplace(sync);
  }, [store, read, digits, min, max]);

  return (
    <label className="code-slider">
      <span className="code-slider-label">{label}</span>
      <input
        ref={input}
        type="range"
        min={min}
        max={max}
        step={step}
        data-testid={testId}
        aria-label={label}
        onInput={(event) => {
          const value = Number(event.currentTarget.value);
          write(store, value);
          if (readout.current) readout.current.textContent = value.toFixed(digits);
        }}
      />
      <output ref={readout} className="code-slider-value" data-testid={testId ? `${testId}-value` : undefined} />
    </label>
  );
}
