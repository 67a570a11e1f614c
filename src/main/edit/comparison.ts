/**
 * A job's comparison table: one row per model and sampler (name and steps) with the mean ± sd
 * of every measure over its scored results and the seconds per edit, as a CSV and as a small
 * SVG of bars (mean) with whiskers (± sd), one panel per measure. Pure functions of the
 * stored results, so the page and the export show the same numbers.
 */
import type { EditComparison, EditComparisonRow, EditResultInfo, EditScores } from '../../common/contract/edit';

/** The measures compared, in column order, with their labels and whether lower is better. */
export const comparedMeasures = [
  { key: 'expressionError', label: 'expression error', lowerIsBetter: true },
  { key: 'sourceExpressionError', label: 'source expression error', lowerIsBetter: true },
  { key: 'identity', label: 'identity', lowerIsBetter: false },
  { key: 'landmarkError', label: 'landmark error (px)', lowerIsBetter: true },
  { key: 'emotion', label: 'emotion agreement', lowerIsBetter: false },
  { key: 'sharpness', label: 'sharpness', lowerIsBetter: false },
  { key: 'waveletNoise', label: 'wavelet noise σ', lowerIsBetter: true },
] as const satisfies readonly { key: keyof EditScores; label: string; lowerIsBetter: boolean }[];

/** The sampler a result was made with; results from before DPM-Solver++ name none and are DDIM. */
function samplerOf(result: EditResultInfo): { name: string; steps: number } {
  const sampler = result.provenance.sampler;
  return { name: sampler.method ?? 'ddim', steps: sampler.steps };
}

/** Mean and sample standard deviation (0 for a single value); null without values. */
function summary(values: readonly number[]): { mean: number; sd: number; n: number } | null {
  if (values.length === 0) return null;
  const mean = values.reduce((a, v) => a + v, 0) / values.length;
  const sd = values.length > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1)) : 0;
  return { mean, sd, n: values.length };
}

/** The rows of a job's results, in the order their model and sampler first appear. */
export function comparisonRows(results: readonly EditResultInfo[]): EditComparisonRow[] {
  const groups = new Map<string, EditResultInfo[]>();
  for (const result of results) {
    const sampler = samplerOf(result);
    const key = JSON.stringify([result.provenance.model.sha256, result.provenance.model.name, sampler.name, sampler.steps]);
    groups.set(key, [...(groups.get(key) ?? []), result]);
  }
  return [...groups.values()].map((group) => {
    const first = group[0];
    const measures: EditComparisonRow['measures'] = {};
    for (const { key } of comparedMeasures) {
      const values = group.map((r) => r.scores?.[key]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
      measures[key] = summary(values);
    }
    return {
      model: first.provenance.model.name,
      modelId: first.provenance.model.id,
      sampler: samplerOf(first).name,
      steps: samplerOf(first).steps,
      results: group.length,
      secondsPerEdit: summary(group.map((r) => r.provenance.timing.totalMs / 1000)),
      measures,
    };
  });
}

const cell = (v: number | undefined) => (v === undefined ? '' : String(Math.round(v * 1e6) / 1e6));
const quote = (text: string) => `"${text.replaceAll('"', '""')}"`;

/** The table as CSV: per row, results, seconds per edit and each measure's mean, sd and count. */
export function comparisonCsv(rows: readonly EditComparisonRow[]): string {
  const header = ['model', 'sampler', 'steps', 'results', 'secondsPerEditMean', 'secondsPerEditSd', ...comparedMeasures.flatMap(({ key }) => [`${key}Mean`, `${key}Sd`, `${key}N`])];
  const lines = [header.join(',')];
  for (const row of rows) {
    const measures = comparedMeasures.flatMap(({ key }) => {
      const m = row.measures[key];
      return [cell(m?.mean), cell(m?.sd), String(m?.n ?? 0)];
    });
    lines.push([quote(row.model), row.sampler, row.steps, row.results, cell(row.secondsPerEdit?.mean), cell(row.secondsPerEdit?.sd), ...measures].join(','));
  }
  return `${lines.join('\n')}\n`;
}

const escapeXml = (text: string) => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

/** A label per row: model and sampler. */
export function rowLabel(row: EditComparisonRow): string {
  return `${row.model} · ${row.sampler} ${row.steps}`;
}

/**
 * Bars of the mean with ± sd whiskers, one panel per measure (and seconds per edit), one bar
 * per row in a fixed palette; rows are numbered in the legend. Self-contained SVG text.
 */
export function comparisonSvg(rows: readonly EditComparisonRow[]): string {
  const palette = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7'];
  const panels = [...comparedMeasures.map(({ key, label, lowerIsBetter }) => ({ label: `${label} ${lowerIsBetter ? '(lower is better)' : '(higher is better)'}`, values: rows.map((r) => r.measures[key] ?? null) })), { label: 'seconds per edit', values: rows.map((r) => r.secondsPerEdit) }];
  const panelWidth = 180, panelHeight = 120, gap = 16, columns = 4, top = 24, legendLine = 14;
  const panelRows = Math.ceil(panels.length / columns);
  const width = columns * (panelWidth + gap) + gap;
  const legendTop = top + panelRows * (panelHeight + gap + 20);
  const height = legendTop + rows.length * legendLine + 8;
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="10">`, `<rect width="100%" height="100%" fill="#ffffff"/>`];
  panels.forEach((panel, p) => {
    const x0 = gap + (p % columns) * (panelWidth + gap);
    const y0 = top + Math.floor(p / columns) * (panelHeight + gap + 20);
    parts.push(`<text x="${x0}" y="${y0 - 6}" fill="#222">${escapeXml(panel.label)}</text>`);
    parts.push(`<rect x="${x0}" y="${y0}" width="${panelWidth}" height="${panelHeight}" fill="none" stroke="#bbb"/>`);
    const present = panel.values.filter((v): v is NonNullable<typeof v> => v !== null);
    if (present.length === 0) {
      parts.push(`<text x="${x0 + 8}" y="${y0 + panelHeight / 2}" fill="#888">not measured</text>`);
      return;
    }
    const high = Math.max(...present.map((v) => v.mean + v.sd), 0);
    const low = Math.min(...present.map((v) => v.mean - v.sd), 0);
    const span = high - low || 1;
    const y = (v: number) => y0 + panelHeight - 4 - ((v - low) / span) * (panelHeight - 8);
    const slot = panelWidth / Math.max(1, rows.length);
    panel.values.forEach((v, r) => {
      const cx = x0 + slot * (r + 0.5);
      const barWidth = Math.min(28, slot * 0.6);
      if (!v) {
        parts.push(`<text x="${cx}" y="${y0 + panelHeight - 6}" text-anchor="middle" fill="#888">—</text>`);
        return;
      }
      const color = palette[r % palette.length];
      parts.push(`<rect x="${cx - barWidth / 2}" y="${Math.min(y(v.mean), y(0))}" width="${barWidth}" height="${Math.abs(y(0) - y(v.mean))}" fill="${color}"><title>${escapeXml(`${rowLabel(rows[r])}: ${v.mean.toPrecision(4)} ± ${v.sd.toPrecision(3)} (n ${v.n})`)}</title></rect>`);
      parts.push(`<line x1="${cx}" x2="${cx}" y1="${y(v.mean - v.sd)}" y2="${y(v.mean + v.sd)}" stroke="#222"/>`);
      parts.push(`<text x="${cx}" y="${y0 + panelHeight + 12}" text-anchor="middle" fill="#222">${v.mean.toPrecision(3)}</text>`);
    });
  });
  rows.forEach((row, r) => {
    const y = legendTop + r * legendLine;
    parts.push(`<rect x="${gap}" y="${y - 8}" width="10" height="10" fill="${palette[r % palette.length]}"/>`);
    parts.push(`<text x="${gap + 14}" y="${y + 1}" fill="#222">${escapeXml(`${rowLabel(row)} — ${row.results} result${row.results === 1 ? '' : 's'}`)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** Everything the page and the export show of a job's comparison. */
export function jobComparison(results: readonly EditResultInfo[]): EditComparison {
  const rows = comparisonRows(results);
  return { rows, csv: comparisonCsv(rows), svg: comparisonSvg(rows) };
}
