import { useCallback, useEffect, useRef } from 'react';

/**
 * A function that runs `action` at most once per `ms`, after the last call of a burst: an
 * import announces every stored photo, and refetching the grid for each would be wasted work.
 */
export function useCoalesced(action: () => void, ms = 250): () => void {
  const latest = useRef(action);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => {
    latest.current = action;
  });
  useEffect(() => () => clearTimeout(timer.current), []);
  return useCallback(() => {
    if (timer.current !== undefined) return;
    timer.current = setTimeout(() => {
      timer.current = undefined;
      latest.current();
    }, ms);
  }, [ms]);
}
