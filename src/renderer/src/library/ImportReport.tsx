import type { ImportResult, JobState } from '../../../common/contract';

export interface ImportReportProps {
  result: ImportResult;
  state: JobState;
  /** Shows at most this many rows per list (the rest is counted). */
  maxRows?: number;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** What an import did: counts, then every file that failed (with why) and every duplicate. */
export function ImportReport({ result, state, maxRows = 500 }: ImportReportProps) {
  const running = state === 'running' || state === 'queued';
  return (
    <section className="import-report" aria-label="Import result">
      <p className="import-counts">
        <span className="count-ok">{result.imported} imported</span>
        <span className={result.duplicates ? 'count-warn' : undefined}>{plural(result.duplicates, 'duplicate', 'duplicates')}</span>
        <span className={result.failed ? 'count-error' : undefined}>{plural(result.failed, 'error', 'errors')}</span>
        <span className="muted">
          {running ? `of ${result.total} files so far` : `of ${plural(result.total, 'file', 'files')}`}
        </span>
      </p>
      {result.errors.length > 0 && (
        <section>
          <h4>Not imported</h4>
          <ul className="issue-list" aria-label="Import errors">
            {result.errors.slice(0, maxRows).map((issue) => (
              <li key={issue.path} title={issue.path}>
                <strong>{issue.fileName}</strong>: {issue.reason}
              </li>
            ))}
          </ul>
          {result.errors.length > maxRows && <p className="muted">and {result.errors.length - maxRows} more</p>}
        </section>
      )}
      {result.duplicateFiles.length > 0 && (
        <section>
          <h4>Already in the album (not stored again)</h4>
          <ul className="issue-list" aria-label="Duplicates">
            {result.duplicateFiles.slice(0, maxRows).map((dup) => (
              <li key={dup.path} title={dup.path}>
                <strong>{dup.fileName}</strong>: same content as photo {dup.photoId}
              </li>
            ))}
          </ul>
          {result.duplicateFiles.length > maxRows && <p className="muted">and {result.duplicateFiles.length - maxRows} more</p>}
        </section>
      )}
    </section>
  );
}
