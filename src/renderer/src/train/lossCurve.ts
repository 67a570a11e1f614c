import type { FinetuneJobResult, LossPoint } from '../../../common/contract';

/** The fine-tuning summary of a job result, or undefined when the job has not reported one yet. */
export function asFinetuneResult(result: unknown): FinetuneJobResult | undefined {
  const r = result as Partial<FinetuneJobResult> | null;
  if (!r || typeof r !== 'object' || typeof r.step !== 'number' || !Array.isArray(r.lossCurve)) return undefined;
  return r as FinetuneJobResult;
}

/** An SVG polyline of a loss curve in a width × height box (log-scaled loss, step on x). */
export interface CurveGeometry {
  /** `points` attribute of an SVG polyline; '' with fewer than two points. */
  points: string;
  minLoss: number;
  maxLoss: number;
}

/**
 * Lays out the curve: x from step 0 to `totalSteps`, y on a log scale between the smallest and
 * largest loss (diffusion losses fall over orders of magnitude), larger losses higher up.
 */
export function curveGeometry(curve: readonly LossPoint[], totalSteps: number, width: number, height: number): CurveGeometry {
  const usable = curve.filter((p) => Number.isFinite(p.loss) && p.loss > 0);
  if (usable.length === 0) return { points: '', minLoss: NaN, maxLoss: NaN };
  const logs = usable.map((p) => Math.log(p.loss));
  const low = Math.min(...logs);
  const high = Math.max(...logs);
  const span = high - low || 1;
  const steps = Math.max(totalSteps, usable[usable.length - 1].step, 1);
  const points =
    usable.length < 2
      ? ''
      : usable.map((p, i) => `${((p.step / steps) * width).toFixed(1)},${(height - ((logs[i] - low) / span) * height).toFixed(1)}`).join(' ');
  return { points, minLoss: Math.exp(low), maxLoss: Math.exp(high) };
}
