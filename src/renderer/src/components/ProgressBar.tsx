export interface ProgressBarProps {
  /** 0..1, or null when the amount of work is not known yet (shown as an indeterminate bar). */
  value: number | null;
  label: string;
  className?: string;
}

/** A thin progress bar, announced as a progressbar with its percentage. */
export function ProgressBar({ value, label, className = '' }: ProgressBarProps) {
  const percent = value === null ? undefined : Math.round(Math.min(1, Math.max(0, value)) * 100);
  return (
    <div
      className={`progress ${percent === undefined ? 'indeterminate' : ''} ${className}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
    >
      <div className="progress-fill" style={percent === undefined ? undefined : { width: `${percent}%` }} />
    </div>
  );
}
