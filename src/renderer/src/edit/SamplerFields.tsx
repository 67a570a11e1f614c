import type { SamplerMethod, SamplerSettings } from '../../../common/contract';
import { samplerMethodLabels, samplerMethods } from '../../../common/contract';

export interface SamplerFieldsProps {
  value: SamplerSettings;
  onChange: (value: SamplerSettings) => void;
}

/** The sampler (DDIM or DPM-Solver++) and its steps; both start from the same noise. */
export function SamplerChoice({ value, onChange }: SamplerFieldsProps) {
  const method = value.method ?? 'ddim';
  const minimum = method === 'dpm++' ? 2 : 1;
  // DPM-Solver++ is deterministic: choosing it sets η to 0
  const choose = (next: SamplerMethod) => onChange({ ...value, method: next, eta: next === 'dpm++' ? 0 : value.eta, steps: Math.max(next === 'dpm++' ? 2 : 1, value.steps) });
  return (
    <>
      <label title="DPM-Solver++ (multistep, order 2) reaches about DDIM's quality in about half the steps">
        Sampler
        <select aria-label="Sampler" value={method} onChange={(e) => choose(e.target.value as SamplerMethod)}>
          {samplerMethods.map((m) => (
            <option key={m} value={m}>
              {samplerMethodLabels[m]}
            </option>
          ))}
        </select>
      </label>
      <label>
        {samplerMethodLabels[method]} steps
        <input type="number" min={minimum} max={1000} value={value.steps} onChange={(e) => onChange({ ...value, steps: Math.max(minimum, Number(e.target.value) || minimum) })} />
      </label>
    </>
  );
}

/** Sampler settings: sampler and steps, η, seed, clip, inversion of the source. */
export function SamplerFields({ value, onChange }: SamplerFieldsProps) {
  const set = <K extends keyof SamplerSettings>(key: K, v: SamplerSettings[K]) => onChange({ ...value, [key]: v });
  return (
    <fieldset className="edit-sampler">
      <legend>Sampler</legend>
      <SamplerChoice value={value} onChange={onChange} />
      <label title={value.method === 'dpm++' ? 'DPM-Solver++ is deterministic (η 0)' : undefined}>
        η
        <input type="number" min={0} max={1} step={0.1} value={value.eta} disabled={value.inversion || value.method === 'dpm++'} onChange={(e) => set('eta', Math.min(1, Math.max(0, Number(e.target.value) || 0)))} />
      </label>
      <label>
        Seed
        <input type="number" min={0} value={value.seed} onChange={(e) => set('seed', Math.max(0, Math.floor(Number(e.target.value) || 0)))} />
      </label>
      <label className="check">
        <input type="checkbox" checked={value.clip} onChange={(e) => set('clip', e.target.checked)} /> Clip x̂0
      </label>
      <label className="check" title="Start from the DDIM inversion of the source photo: background and hair follow it (needs η = 0)">
        <input type="checkbox" checked={value.inversion} onChange={(e) => onChange({ ...value, inversion: e.target.checked, eta: e.target.checked ? 0 : value.eta })} /> DDIM inversion of the source
      </label>
    </fieldset>
  );
}
