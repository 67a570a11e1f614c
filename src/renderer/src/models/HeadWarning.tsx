import type { HeadCheck } from '../../../common/contract';
import { formatRoute } from '../navigation/route';

export interface HeadWarningProps {
  /** The chosen model's head against the head in use (null: no model chosen). */
  head: HeadCheck | null | undefined;
}

/** Says, before anything is generated or trained, that a model's results cannot be good with the head in use, and how to fix it. */
export function HeadWarning({ head }: HeadWarningProps) {
  if (!head?.warning) return null;
  return (
    <p className="head-warning" role="note" data-testid="head-warning">
      <strong>Wrong head for this model.</strong> {head.warning} <a href={formatRoute('settings')}>Open Settings</a>
    </p>
  );
}
