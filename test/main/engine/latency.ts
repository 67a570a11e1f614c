/** Event-loop latency probes for tests and bench/engine. */

/** The q-quantile (0..1) of `values` (nearest rank). */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/**
 * Measures how late a timer of `intervalMs` fires, each tick, until `stop`: the event loop's lag
 * (how long a request arriving then would have waited before this thread looked at it).
 */
export function latencyProbe(intervalMs = 10): { stop: () => number[] } {
  const lags: number[] = [];
  let expected = performance.now() + intervalMs;
  const timer = setInterval(() => {
    const now = performance.now();
    lags.push(Math.max(0, now - expected));
    expected = now + intervalMs;
  }, intervalMs);
  return {
    stop: () => {
      clearInterval(timer);
      return lags;
    },
  };
}
