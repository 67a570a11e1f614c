import type { EditModelInfo, SamplerMethod } from '../../../common/contract';
import { maxModelRuns, samplerMethodLabels, samplerMethods } from '../../../common/contract';
import type { ExtraRun } from './setupStore';

export interface ModelRunsProps {
  models: readonly EditModelInfo[];
  /** The first run (the Model and Sampler fields above): a new run starts as a copy of the last. */
  first: ExtraRun;
  runs: ExtraRun[];
  onChange: (runs: ExtraRun[]) => void;
}

/**
 * The model axis: more model runs compared with the first in one job, each a model with its own
 * sampler and steps (the same model may appear again with another sampler). η, seed, clip and
 * the inversion are shared with the first run.
 */
export function ModelRuns({ models, first, runs, onChange }: ModelRunsProps) {
  const set = (k: number, patch: Partial<ExtraRun>) => onChange(runs.map((run, i) => (i === k ? { ...run, ...patch } : run)));
  const add = () => {
    const last = runs[runs.length - 1] ?? first;
    // the next comparison is most often the same model with the other sampler
    const method: SamplerMethod = last.method === 'ddim' ? 'dpm++' : 'ddim';
    onChange([...runs, { modelId: last.modelId, method, steps: Math.max(2, last.steps) }]);
  };
  return (
    <fieldset className="edit-runs" data-testid="model-runs">
      <legend>Compare models and samplers</legend>
      {runs.length === 0 && <p className="muted small">One tile per model run for every source, target and mode: add the same model with another sampler, or another model.</p>}
      {runs.map((run, k) => {
        const n = k + 2;
        const minimum = run.method === 'dpm++' ? 2 : 1;
        return (
          <div key={k} className="edit-run" data-testid="model-run">
            <select aria-label={`Model ${n}`} value={run.modelId ?? ''} onChange={(e) => set(k, { modelId: Number(e.target.value) })}>
              <option value="" disabled>
                Choose a model
              </option>
              {models.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.name}
                  {m.imageSize ? ` (${m.imageSize} px)` : ''}
                </option>
              ))}
            </select>
            <div className="edit-run-sampler">
              <select aria-label={`Sampler ${n}`} value={run.method} onChange={(e) => set(k, { method: e.target.value as SamplerMethod, steps: Math.max(e.target.value === 'dpm++' ? 2 : 1, run.steps) })}>
                {samplerMethods.map((m) => (
                  <option key={m} value={m}>
                    {samplerMethodLabels[m]}
                  </option>
                ))}
              </select>
              <input type="number" aria-label={`Steps ${n}`} min={minimum} max={1000} value={run.steps} onChange={(e) => set(k, { steps: Math.min(1000, Math.max(minimum, Math.floor(Number(e.target.value)) || minimum)) })} />
              <button type="button" className="small" aria-label={`Remove model run ${n}`} title="Remove this model run" onClick={() => onChange(runs.filter((_, i) => i !== k))}>
                ×
              </button>
            </div>
          </div>
        );
      })}
      {runs.length + 1 < maxModelRuns && (
        <button type="button" className="small" onClick={add}>
          Add a model run
        </button>
      )}
    </fieldset>
  );
}
