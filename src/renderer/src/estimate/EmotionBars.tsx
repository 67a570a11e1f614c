import { emotionRows } from './format';

export interface EmotionBarsProps {
  emotion: Record<string, number>;
}

/** The emotion classifier's probabilities on the aligned crop, one bar per class. */
export function EmotionBars({ emotion }: EmotionBarsProps) {
  return (
    <ul className="emotion-bars" aria-label="Emotion probabilities">
      {emotionRows(emotion).map((row) => (
        <li key={row.name} className={row.top ? 'top' : undefined} aria-label={`${row.name} ${(row.value * 100).toFixed(0)}%`}>
          <span className="emotion-name">{row.name}</span>
          <span className="emotion-track">
            <span className="emotion-fill" style={{ width: `${Math.max(0, Math.min(1, row.value)) * 100}%` }} />
          </span>
          <span className="emotion-value">{(row.value * 100).toFixed(0)}%</span>
        </li>
      ))}
    </ul>
  );
}
