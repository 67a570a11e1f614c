import type { CodeSource, EstimateOutcomeState, PhotoOutcome } from '../../../common/contract';
import { isDemoHeadSource } from '../../../common/contract';

// Words and numbers for the estimation UI, kept out of the components so they can be tested.

/** What a per-photo outcome means, and what the user can do. */
export function outcomeText(outcome: Pick<PhotoOutcome, 'state' | 'reason' | 'faceBoxes'>): { label: string; advice: string } {
  const labels: Record<EstimateOutcomeState, { label: string; advice: string }> = {
    pending: { label: 'Not estimated yet', advice: 'the job stopped before this photo; run the estimation again' },
    'no-face': { label: 'No face found', advice: 'check the photo shows a face; try again after cropping it' },
    'several-faces': { label: `${outcome.faceBoxes.length || 'Several'} faces`, advice: 'choose the face to estimate' },
    'face-too-small': { label: 'Face too small', advice: 'use a larger photo of this face' },
    failed: { label: 'Failed', advice: 'see the reason; try again' },
  };
  return labels[outcome.state];
}

/** The 7 emotion classes in the classifier's order (src/main/face/emotion.ts), unknown ones after them. */
export const emotionOrder = ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'];

/** Emotion probabilities as rows for bars, in `emotionOrder`, with the most likely marked. */
export function emotionRows(emotion: Record<string, number>): { name: string; value: number; top: boolean }[] {
  const names = [...emotionOrder.filter((n) => n in emotion), ...Object.keys(emotion).filter((n) => !emotionOrder.includes(n)).sort()];
  const best = Math.max(...names.map((n) => emotion[n]));
  return names.map((name) => ({ name, value: emotion[name], top: emotion[name] === best }));
}

/** "3 of 5 photos estimated (fit 2, deca 1)". */
export function estimatedSummary(estimatedCount: number, photoCount: number, byEstimator: Record<string, number>): string {
  const names: Record<string, string> = { fit: 'landmark fitting', deca: 'DECA', emoca: 'EMOCA', 'demo-ground-truth': 'demo ground truth' };
  const parts = Object.entries(byEstimator)
    .filter(([, n]) => n > 0)
    .map(([name, n]) => `${names[name] ?? name} ${n}`);
  return `${estimatedCount} of ${photoCount} ${photoCount === 1 ? 'photo' : 'photos'} estimated${parts.length > 0 ? ` (${parts.join(', ')})` : ''}`;
}

/** Code sources in words (`codeSource` in the contract); other sources by their name. */
const sourceNames: Record<string, string> = { 'demo-head-fit': 'demo-head fit', 'flame-fit': 'FLAME fit', deca: 'DECA', emoca: 'EMOCA', 'demo-ground-truth': 'demo ground truth' };
/** The title for an album whose codes all come from one source. */
const singleSourceTitles: Record<string, string> = {
  'demo-head-fit': 'Demo-head fit codes (not FLAME)',
  'flame-fit': 'FLAME fit codes',
  deca: 'DECA codes',
  emoca: 'EMOCA codes',
  'demo-ground-truth': 'Demo ground-truth codes (demo head, not FLAME)',
};

/**
 * What an album's codes are, named by what made them: "DECA codes", "Demo-head fit codes (not
 * FLAME)", …; a mix lists its sources with counts, most first.
 */
export function codesTitle(codeSources: Partial<Record<CodeSource, number>>): string {
  const entries = Object.entries(codeSources)
    .filter((e): e is [string, number] => (e[1] ?? 0) > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  if (entries.length === 0) return 'Codes';
  if (entries.length === 1) return singleSourceTitles[entries[0][0]] ?? `${entries[0][0].replace(/-/g, ' ')} codes`;
  const list = entries.map(([source, n]) => `${sourceNames[source] ?? source.replace(/-/g, ' ')} ${n}`).join(', ');
  return `Codes: ${list}${entries.some(([source]) => isDemoHeadSource(source)) ? ' (demo head ones not FLAME)' : ''}`;
}

/** The title's hover text: what the sources mean for the head they describe. */
export function codesTitleHint(codeSources: Partial<Record<CodeSource, number>>): string {
  const sources = Object.keys(codeSources).filter((k) => (codeSources[k] ?? 0) > 0);
  if (sources.some(isDemoHeadSource)) return 'Codes fitted to the demo head (no FLAME files set) or the demo’s ground truth describe the demo head, not FLAME: set your FLAME files in Settings and re-estimate for FLAME codes';
  if (sources.length === 0) return 'No photo of this album has codes yet';
  return 'FLAME codes: DECA and EMOCA codes come from their encoders, FLAME fit codes from landmark fitting of your FLAME model';
}

/** "12 with known codes (demo ground truth 12)" for photos with codes but no estimate record; '' for none. */
export function codesOnlySummary(codesOnly: Record<string, number>): string {
  const entries = Object.entries(codesOnly).filter(([, n]) => n > 0);
  const total = entries.reduce((sum, [, n]) => sum + n, 0);
  if (total === 0) return '';
  return `${total} with known codes (${entries.map(([name, n]) => `${name.replace(/-/g, ' ')} ${n}`).join(', ')})`;
}

/** Euclidean norm of a code vector (how far the mean shape is from FLAME's mean head). */
export function norm(values: readonly number[]): number {
  return Math.sqrt(values.reduce((sum, v) => sum + v * v, 0));
}

/**
 * Whether the head shown is the one the codes describe, and if not, why: landmark fitting
 * records the head it fitted (`landmark-fit-1/<label>`); DECA and EMOCA codes are FLAME codes.
 */
export function headMismatch(estimator: string, estimatorVersion: string, shown: { source: 'demo' | 'flame'; label: string }): string | null {
  if (estimator === 'fit') {
    const fitted = estimatorVersion.slice(estimatorVersion.indexOf('/') + 1);
    return fitted === shown.label ? null : `These codes were fitted on ${fitted}, but the head shown is ${shown.label}: re-estimate the album to fit this head.`;
  }
  if (estimator !== 'deca' && estimator !== 'emoca') return null; // other sources say what head they are for in their version
  return shown.source === 'flame' ? null : `${estimator.toUpperCase()} codes are FLAME codes, shown here on the demo head (not FLAME): set your FLAME file in Settings to see the head they describe.`;
}

/**
 * What "Re-estimate all" replaces, as lines for its confirmation: the estimates by source
 * (the demo's ground truth counted by name) and the hand-edited codes; [] when nothing is lost.
 */
export function reestimateLosses(data: { estimatedCount: number; byEstimator: Record<string, number>; codesOnly: Record<string, number>; editedCount: number }): string[] {
  const lines: string[] = [];
  const groundTruth = (data.byEstimator['demo-ground-truth'] ?? 0) + (data.codesOnly['demo-ground-truth'] ?? 0);
  if (groundTruth > 0) lines.push(`the demo’s ground-truth codes of ${groundTruth} ${groundTruth === 1 ? 'photo' : 'photos'} (the codes the demo photos were rendered from; they cannot be estimated back exactly)`);
  const estimated = Object.entries(data.byEstimator).filter(([name, n]) => name !== 'demo-ground-truth' && n > 0);
  const estimatedTotal = estimated.reduce((sum, [, n]) => sum + n, 0);
  if (estimatedTotal > 0) lines.push(`${estimatedTotal} current ${estimatedTotal === 1 ? 'estimate' : 'estimates'} (${estimatedSummary(estimatedTotal, estimatedTotal, Object.fromEntries(estimated)).replace(/^.*\((.*)\)$/, '$1')})`);
  if (data.editedCount > 0) lines.push(`saved code edits on ${data.editedCount} ${data.editedCount === 1 ? 'photo' : 'photos'} (made in “Fitted head & codes…”)`);
  return lines;
}

/** The album bar's estimator note: the estimator that new estimates would use, never read as the source of the codes shown. */
export function estimatorNote(summary: string, ok: boolean): string {
  return `New estimates: ${summary}${ok ? '' : ' (cannot run: see Settings)'}`;
}
