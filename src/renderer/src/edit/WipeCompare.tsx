import { useState } from 'react';

export interface WipeCompareProps {
  before: string;
  after: string;
  beforeLabel?: string;
  afterLabel?: string;
  size: number;
}

/** A/B wipe: `after` over `before`, revealed from the left up to the slider. */
export function WipeCompare({ before, after, beforeLabel = 'Source', afterLabel = 'Generated', size }: WipeCompareProps) {
  const [position, setPosition] = useState(50);
  return (
    <div className="wipe">
      <div className="wipe-stage" style={{ width: size, height: size }}>
        <img src={before} alt={beforeLabel} width={size} height={size} />
        <img src={after} alt={afterLabel} width={size} height={size} className="wipe-top" style={{ clipPath: `inset(0 ${100 - position}% 0 0)` }} data-testid="wipe-top" />
        <div className="wipe-line" style={{ left: `${position}%` }} />
      </div>
      <label className="wipe-slider">
        <span>{afterLabel}</span>
        <input type="range" min={0} max={100} value={position} aria-label="Wipe between source and generated" onChange={(e) => setPosition(Number(e.target.value))} />
        <span>{beforeLabel}</span>
      </label>
    </div>
  );
}
