import { useSyncExternalStore } from 'react';
import type { PhotoEstimateView } from '../../../common/contract';

// What the photo detail's overlay draws, shared between the estimate panel (which loads the
// estimate and holds the toggles) and the overlay over the photo (a sibling in the detail view).
// The toggles outlive one photo, so stepping through an album keeps them as the user set them.

export interface OverlayState {
  /** The estimate of the photo shown, or null while loading / without one. */
  view: PhotoEstimateView | null;
  showBox: boolean;
  showLandmarks: boolean;
}

let state: OverlayState = { view: null, showBox: true, showLandmarks: true };
const listeners = new Set<() => void>();

/** Changes part of the overlay state and redraws its readers. */
export function setOverlay(patch: Partial<OverlayState>): void {
  state = { ...state, ...patch };
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The overlay state, re-rendering on change. */
export function useOverlay(): OverlayState {
  return useSyncExternalStore(subscribe, () => state);
}
