import type { FinetuneJobResult } from '../../../common/contract';
import { curveGeometry } from './lossCurve';

export interface LossCurveProps {
  result: FinetuneJobResult;
  width?: number;
  height?: number;
}

/** The live loss curve of a fine-tuning job (log scale), with the latest loss and speed. */
export function LossCurve({ result, width = 240, height = 64 }: LossCurveProps) {
  const geometry = curveGeometry(result.lossCurve, result.steps, width, height);
  const speed = result.stepsPerSecond ? ` · ${result.stepsPerSecond.toFixed(2)} steps/s` : '';
  return (
    <figure className="loss-curve" aria-label={`Loss curve, step ${result.step} of ${result.steps}`}>
      <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label="training loss per step, log scale">
        <rect x={0} y={0} width={width} height={height} fill="none" stroke="currentColor" strokeOpacity={0.2} />
        {geometry.points && <polyline points={geometry.points} fill="none" stroke="currentColor" strokeWidth={1.5} />}
      </svg>
      <figcaption>
        step {result.step}/{result.steps}
        {result.loss !== null && ` · loss ${result.loss.toFixed(4)}`}
        {Number.isFinite(geometry.minLoss) && ` · range ${geometry.minLoss.toPrecision(3)}–${geometry.maxLoss.toPrecision(3)}`}
        {speed}
      </figcaption>
    </figure>
  );
}
