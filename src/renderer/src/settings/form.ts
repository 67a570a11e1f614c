import type { AssetCheck, EstimatorChoice } from '../../../common/contract';

// Settings' form logic, kept out of the components so it can be tested without a browser.

/** What the estimator form holds while the researcher types. */
export interface EstimatorForm {
  kind: EstimatorChoice['kind'];
  decaCheckpoint: string;
  emocaCheckpoint: string;
  emocaConfig: string;
}

/** The form filled from a saved choice (the other kinds' fields empty). */
export function formFromChoice(choice: EstimatorChoice): EstimatorForm {
  return {
    kind: choice.kind,
    decaCheckpoint: choice.kind === 'deca' ? choice.checkpoint : '',
    emocaCheckpoint: choice.kind === 'emoca' ? choice.checkpoint : '',
    emocaConfig: choice.kind === 'emoca' ? choice.config : '',
  };
}

/**
 * The choice the form describes, or what is still missing: a path the researcher has not
 * given yet is said before anything is sent to the backend.
 */
export function choiceFromForm(form: EstimatorForm): { choice: EstimatorChoice } | { missing: string } {
  const text = (value: string) => value.trim();
  if (form.kind === 'fit') return { choice: { kind: 'fit' } };
  if (form.kind === 'deca') {
    if (!text(form.decaCheckpoint)) return { missing: "choose DECA's checkpoint (deca_model.tar)" };
    return { choice: { kind: 'deca', checkpoint: text(form.decaCheckpoint) } };
  }
  if (!text(form.emocaCheckpoint)) return { missing: "choose EMOCA's checkpoint (.ckpt)" };
  if (!text(form.emocaConfig)) return { missing: 'choose the cfg.yaml saved beside the EMOCA checkpoint' };
  return { choice: { kind: 'emoca', checkpoint: text(form.emocaCheckpoint), config: text(form.emocaConfig) } };
}

/** The same choice (so Save can say "saved" or "not saved yet"). */
export function sameChoice(a: EstimatorChoice, b: EstimatorChoice): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** A path typed into the FLAME fields: trimmed, empty meaning "not set". */
export function pathOrNull(value: string): string | null {
  const trimmed = value.trim();
  return trimmed.length > 0 ? trimmed : null;
}

/**
 * A check's badge: ok, optional-and-absent, or a problem (missing / invalid). With
 * `unsetIsOptional` (the demo head is in use: no FLAME file is set), a file that was simply not
 * given is optional too: nothing needs it until the researcher chooses FLAME.
 */
export function checkTone(check: AssetCheck, unsetIsOptional = false): 'ok' | 'absent' | 'problem' {
  if (check.status === 'ok') return 'ok';
  if (check.status === 'absent' && !check.required) return 'absent';
  if (unsetIsOptional && check.status === 'missing' && check.path === null) return 'absent';
  return 'problem';
}

/** The badge text: 'ok', 'optional' for files not needed now, else the status. */
export function checkBadge(check: AssetCheck, unsetIsOptional = false): string {
  const tone = checkTone(check, unsetIsOptional);
  if (tone === 'ok') return 'ok';
  if (tone === 'absent') return check.path === null && check.status === 'missing' ? 'not set (optional)' : 'optional';
  return check.status;
}

/** The headline over a list of checks. */
export function checksHeadline(checks: readonly AssetCheck[], unsetIsOptional = false): string {
  const problems = checks.filter((c) => checkTone(c, unsetIsOptional) === 'problem');
  if (problems.length === 0) return unsetIsOptional && checks.some((c) => c.status === 'missing' && c.path === null) ? 'Nothing is needed while the demo head is in use; set FLAME files to use FLAME.' : 'Everything needed is there.';
  const required = problems.filter((c) => c.required);
  return `${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}${required.length > 0 ? ` (${required.map((c) => c.name).join(', ')})` : ''}: see below.`;
}
