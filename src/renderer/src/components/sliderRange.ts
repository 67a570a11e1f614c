/**
 * A slider's range for the values it must show: its nominal range widened to hold every one of
 * `values` (the estimator's or a codes file's value, the value being edited), so a thumb is never
 * pinned at an end while its number says otherwise. Values that are not finite are ignored.
 */
export function rangeHolding(min: number, max: number, ...values: number[]): [number, number] {
  let low = min;
  let high = max;
  for (const value of values) {
    if (!Number.isFinite(value)) continue;
    if (value < low) low = value;
    if (value > high) high = value;
  }
  return [low, high];
}
