import { useEffect, useRef, useState } from 'react';

export interface LiveCheck<T> {
  data: T | undefined;
  error: unknown;
  /** A check for the current input is on its way. */
  checking: boolean;
}

/**
 * Runs `check` for `key` a moment after the researcher stops typing (`delay` ms), keeping only
 * the answer to the newest input: a slow answer for an old path never replaces a newer one.
 */
export function useLiveCheck<T>(check: (() => Promise<T>) | null, key: string, delay = 350): LiveCheck<T> {
  const [state, setState] = useState<LiveCheck<T>>({ data: undefined, error: undefined, checking: false });
  const generation = useRef(0);
  const latest = useRef(check);
  useEffect(() => {
    latest.current = check;
  });

  useEffect(() => {
    const mine = ++generation.current;
    const run = latest.current;
    if (!run) {
      setState({ data: undefined, error: undefined, checking: false });
      return;
    }
    setState((s) => ({ ...s, checking: true }));
    const timer = setTimeout(() => {
      run().then(
        (data) => mine === generation.current && setState({ data, error: undefined, checking: false }),
        (error: unknown) => mine === generation.current && setState({ data: undefined, error, checking: false }),
      );
    }, delay);
    return () => clearTimeout(timer);
  }, [key, delay]);
  return state;
}
