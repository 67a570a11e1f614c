import type { JobLogLine } from '../../../common/contract';

export interface JobLogProps {
  lines: JobLogLine[];
}

/** A job's log, oldest first, warnings and errors coloured. */
export function JobLog({ lines }: JobLogProps) {
  if (lines.length === 0) return <p className="muted">No log lines yet.</p>;
  return (
    <ol className="job-log" aria-label="Job log">
      {lines.map((line, i) => (
        <li key={i} className={`log-${line.level}`}>
          <time dateTime={line.at}>{new Date(line.at).toLocaleTimeString()}</time> {line.text}
        </li>
      ))}
    </ol>
  );
}
