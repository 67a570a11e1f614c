import type { EditComparisonRow, EditJobView, MeasureSummary } from '../../../common/contract';
import { useApi } from '../providers/BackendProvider';
import { useQuery } from '../hooks/useQuery';
import { downloadBytes } from '../components/download';

/** The measures of the table, in the backend's column order (src/main/edit/comparison.ts). */
const columns: [keyof EditComparisonRow['measures'], string][] = [
  ['expressionError', 'Expression error ↓'],
  ['sourceExpressionError', 'Source (floor) ↓'],
  ['identity', 'Identity ↑'],
  ['landmarkError', 'Landmarks px ↓'],
  ['emotion', 'Emotion ↑'],
  ['sharpness', 'Sharpness'],
  ['waveletNoise', 'Wavelet σ ↓'],
];

const format = (m: MeasureSummary | null | undefined) => (m ? `${m.mean.toPrecision(3)} ± ${m.sd.toPrecision(2)}` : '—');

/** A job's comparison: per model and sampler, mean ± sd of each measure and seconds per edit, with the plot. */
export function ComparisonPanel({ view }: { view: EditJobView }) {
  const api = useApi();
  // refetched whenever a result arrives or gets its scores
  const version = `${view.jobId}:${view.results.length}:${view.results.filter((r) => r.scores).length}`;
  const comparison = useQuery(() => api['edit.comparison']({ jobId: view.jobId }), version);
  const data = comparison.data;
  if (!data || data.rows.length === 0) return null;
  return (
    <section className="edit-comparison" aria-label="Comparison table" data-testid="edit-comparison">
      <header className="edit-grid-toolbar">
        <strong>Comparison</strong>
        <span className="muted small">mean ± sd over each model and sampler&apos;s results</span>
        <span className="spacer" />
        <button type="button" className="small" onClick={() => downloadBytes(`edit-${view.jobId}-comparison.csv`, data.csv, 'text/csv')}>
          Table CSV
        </button>
        <button type="button" className="small" onClick={() => downloadBytes(`edit-${view.jobId}-comparison.svg`, data.svg, 'image/svg+xml')}>
          Plot SVG
        </button>
      </header>
      <table className="edit-comparison-table">
        <thead>
          <tr>
            <th>Model · sampler</th>
            <th>Results</th>
            <th>s / edit</th>
            {columns.map(([key, label]) => (
              <th key={key}>{label}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {data.rows.map((row) => (
            <tr key={`${row.model}:${row.sampler}:${row.steps}`} data-testid="comparison-row">
              <td>
                {row.model} · {row.sampler} {row.steps}
              </td>
              <td data-label="Results">{row.results}</td>
              <td data-label="s / edit">{format(row.secondsPerEdit)}</td>
              {columns.map(([key, label]) => (
                <td key={key} data-label={label}>
                  {format(row.measures[key])}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <img className="edit-comparison-plot" data-testid="comparison-plot" alt="Bars of each measure's mean with ± sd whiskers per model and sampler" src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(data.svg)}`} />
    </section>
  );
}
