import { norm } from './format';

export interface MeanShapeBarsProps {
  /** The album's mean of the 100 shape values. */
  meanShape: readonly number[];
  /** How many leading components are drawn (the rest are summarised by the norm). */
  count?: number;
}

/**
 * The album's mean shape (what stage 2 and editing use) as bars of its leading components,
 * with the norm of all 100 so albums can be compared at a glance.
 */
export function MeanShapeBars({ meanShape, count = 20 }: MeanShapeBarsProps) {
  const shown = meanShape.slice(0, count);
  const scale = Math.max(1, ...shown.map(Math.abs));
  const width = 10;
  const height = 60;
  return (
    <figure className="mean-shape" data-testid="mean-shape">
      <svg viewBox={`0 0 ${shown.length * width} ${height}`} width={shown.length * width * 1.4} height={height} role="img" aria-label={`Mean shape, first ${shown.length} components`}>
        <line x1={0} x2={shown.length * width} y1={height / 2} y2={height / 2} className="mean-shape-axis" />
        {shown.map((value, i) => {
          const h = (Math.abs(value) / scale) * (height / 2 - 2);
          return (
            <rect key={i} x={i * width + 1} width={width - 2} y={value >= 0 ? height / 2 - h : height / 2} height={Math.max(h, 0.5)} className={value >= 0 ? 'mean-shape-pos' : 'mean-shape-neg'}>
              <title>{`β${i + 1} = ${value.toFixed(3)}`}</title>
            </rect>
          );
        })}
      </svg>
      <figcaption className="muted small">
        Mean shape: β1–β{shown.length} shown (scale ±{scale.toFixed(2)}), ‖β‖ = {norm(meanShape).toFixed(3)} over all {meanShape.length}
      </figcaption>
    </figure>
  );
}
