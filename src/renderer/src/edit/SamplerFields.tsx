import type { SamplerSettings } from '../../../common/contract';

export interface SamplerFieldsProps {
  value: SamplerSettings;
  onChange: (value: SamplerSettings) => void;
}

/** DDIM settings: steps, η, seed, clip, inversion of the source. */
export function SamplerFields({ value, onChange }: SamplerFieldsProps) {
  const set = <K extends keyof SamplerSettings>(key: K, v: SamplerSettings[K]) => onChange({ ...value, [key]: v });
  return (
    <fieldset className="edit-sampler">
      <legend>Sampler</legend>
      <label>
        DDIM steps
        <input type="number" min={1} max={1000} value={value.steps} onChange={(e) => set('steps', Math.max(1, Number(e.target.value) || 1))} />
      </label>
      <label>
        η
        <input type="number" min={0} max={1} step={0.1} value={value.eta} disabled={value.inversion} onChange={(e) => set('eta', Math.min(1, Math.max(0, Number(e.target.value) || 0)))} />
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
