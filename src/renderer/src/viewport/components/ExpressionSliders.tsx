import { useState } from 'react';
import type { RigStore } from '../rig/rigStore';
import { CodeSlider } from './CodeSlider';

export interface ExpressionSlidersProps {
  store: RigStore;
  /** Components the model has (50 for DECA). */
  count?: number;
  /** Shown before "all components" is opened. */
  firstCount?: number;
  range?: number;
}

// Stable reader/writer pairs per component, so sliders do not resubscribe on every render.
const readers = Array.from({ length: 50 }, (_, i) => (store: RigStore) => store.codes.expression[i]);
const writers = Array.from({ length: 50 }, (_, i) => (store: RigStore, value: number) => store.set('expression', i, value));

/** Sliders for the first expression components, and all of them behind a disclosure. */
export function ExpressionSliders({ store, count = 50, firstCount = 10, range = 3 }: ExpressionSlidersProps) {
  const [expanded, setExpanded] = useState(false);
  const shown = Math.min(count, expanded ? 50 : firstCount);
  return (
    <fieldset className="viewport-group">
      <legend>Expression</legend>
      {Array.from({ length: shown }, (_, i) => (
        <CodeSlider key={i} store={store} label={`ψ${i + 1}`} read={readers[i]} write={writers[i]} min={-range} max={range} testId={`expression-${i}`} />
      ))}
      {count > firstCount && (
        <button type="button" className="link-button" onClick={() => setExpanded(!expanded)} aria-expanded={expanded}>
          {expanded ? `Show first ${firstCount}` : `Show all ${Math.min(count, 50)} components`}
        </button>
      )}
    </fieldset>
  );
}
