import type { CodeEstimator, EditModelInfo } from '../../../common/contract';
import { codeEstimatorLabels, codeEstimators } from '../../../common/contract';

export interface EstimatorFieldsProps {
  model: EditModelInfo | null;
  source: CodeEstimator | null;
  target: CodeEstimator | null;
  onChange: (patch: { sourceEstimator?: CodeEstimator | null; targetEstimator?: CodeEstimator | null }) => void;
}

/** Whose FLAME codes the sources and the targets are edited with (each photo keeps every estimator's codes). */
export function EstimatorFields({ model, source, target, onChange }: EstimatorFieldsProps) {
  const byDefault = model?.estimator ? `Model's (${codeEstimatorLabels[model.estimator]})` : 'Codes each photo uses';
  const select = (label: string, value: CodeEstimator | null, key: 'sourceEstimator' | 'targetEstimator') => (
    <label>
      {label}
      <select aria-label={label} value={value ?? ''} onChange={(e) => onChange({ [key]: e.target.value === '' ? null : (e.target.value as CodeEstimator) })}>
        <option value="">{byDefault}</option>
        {codeEstimators.map((name) => (
          <option key={name} value={name}>
            {codeEstimatorLabels[name]}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <fieldset className="edit-estimators">
      <legend>Codes from</legend>
      {select('Source codes', source, 'sourceEstimator')}
      {select('Target codes', target, 'targetEstimator')}
    </fieldset>
  );
}
