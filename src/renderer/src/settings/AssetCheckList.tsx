import type { AssetCheck } from '../../../common/contract';
import { checkBadge, checksHeadline, checkTone } from './form';

export interface AssetCheckListProps {
  checks: readonly AssetCheck[];
  /** Label for screen readers and tests, e.g. "FLAME asset checks". */
  label: string;
  checking?: boolean;
  /** Files not given are optional (the demo head is in use instead of FLAME). */
  unsetIsOptional?: boolean;
}

/** File-by-file check results: status, what it is needed for, and what to do about it. */
export function AssetCheckList({ checks, label, checking = false, unsetIsOptional = false }: AssetCheckListProps) {
  return (
    <div className="asset-checks" aria-label={label} aria-busy={checking} data-testid={label.toLowerCase().replace(/\W+/g, '-')}>
      <p className="asset-checks-headline" role="status">
        {checking ? 'Checking…' : checksHeadline(checks, unsetIsOptional)}
      </p>
      <ul>
        {checks.map((check) => {
          const tone = checkTone(check, unsetIsOptional);
          return (
            <li key={`${check.name}:${check.path ?? ''}`} className={`asset-check tone-${tone}`} data-status={check.status}>
              <span className={`asset-status tone-${tone}`}>{checkBadge(check, unsetIsOptional)}</span>
              <span className="asset-name">
                {check.name}
                {check.required && !(unsetIsOptional && check.path === null) ? '' : ' (optional)'}
              </span>
              <span className="asset-message">{unsetIsOptional && check.path === null && check.status === 'missing' ? 'not needed while the demo head is in use' : check.message}</span>
              <span className="asset-needed muted small">for {check.neededFor}</span>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
