import type { AssetCheck } from '../../../common/contract';
import { checksHeadline, checkTone } from './form';

export interface AssetCheckListProps {
  checks: readonly AssetCheck[];
  /** Label for screen readers and tests, e.g. "FLAME asset checks". */
  label: string;
  checking?: boolean;
}

const toneLabel = { ok: 'ok', absent: 'optional', problem: 'problem' } as const;

/** File-by-file check results: status, what it is needed for, and what to do about it. */
export function AssetCheckList({ checks, label, checking = false }: AssetCheckListProps) {
  return (
    <div className="asset-checks" aria-label={label} aria-busy={checking} data-testid={label.toLowerCase().replace(/\W+/g, '-')}>
      <p className="asset-checks-headline" role="status">
        {checking ? 'Checking…' : checksHeadline(checks)}
      </p>
      <ul>
        {checks.map((check) => {
          const tone = checkTone(check);
          return (
            <li key={`${check.name}:${check.path ?? ''}`} className={`asset-check tone-${tone}`} data-status={check.status}>
              <span className={`asset-status tone-${tone}`}>{check.status === 'ok' ? 'ok' : check.status === 'absent' ? toneLabel.absent : check.status}</span>
              <span className="asset-name">
                {check.name}
                {check.required ? '' : ' (optional)'}
              </span>
              <span className="asset-message">{check.message}</span>
              <span className="asset-needed muted small">for {check.neededFor}</span>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
