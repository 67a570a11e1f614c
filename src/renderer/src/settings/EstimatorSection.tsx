import { useEffect, useState } from 'react';
import type { EstimatorReport } from '../../../common/contract';
import { errorMessage } from '../api';
import { useApi } from '../providers/BackendProvider';
import { useNotify } from '../providers/NoticesProvider';
import { useProject } from '../providers/ProjectProvider';
import { useQuery } from '../hooks/useQuery';
import { AssetCheckList } from './AssetCheckList';
import { choiceFromForm, formFromChoice, sameChoice, type EstimatorForm } from './form';
import { PathField } from '../components/PathField';
import { useLiveCheck } from './useLiveCheck';

export interface EstimatorSectionProps {
  /** Bumped when the FLAME files were saved: landmark fitting's check depends on them. */
  assetsVersion?: number;
}

const kinds: { kind: EstimatorForm['kind']; label: string; description: string }[] = [
  { kind: 'fit', label: 'Landmark fitting', description: 'No checkpoint needed: fits FLAME shape, expression, jaw, pose and camera to the 68 landmarks, then the SH light to the photo.' },
  { kind: 'deca', label: 'DECA', description: "DECA's encoder (E_flame) from your deca_model.tar." },
  { kind: 'emoca', label: 'EMOCA', description: "DECA's encoder plus EMOCA's expression encoder, from a Lightning .ckpt and the cfg.yaml saved with it." },
];

/** The open project's estimator (saved in the project): the kind and its files, checked live. */
export function EstimatorSection({ assetsVersion = 0 }: EstimatorSectionProps) {
  const api = useApi();
  const notify = useNotify();
  const { project } = useProject();
  const saved = useQuery(() => api['estimate.estimator.get'](), `${project.dir}:${assetsVersion}`);
  const [form, setForm] = useState<EstimatorForm | null>(null);
  const [saving, setSaving] = useState(false);
  const [justSaved, setJustSaved] = useState(false);

  useEffect(() => {
    if (!form && saved.data) setForm(formFromChoice(saved.data.choice));
  }, [form, saved.data]);

  const parsed = form ? choiceFromForm(form) : null;
  const choice = parsed && 'choice' in parsed ? parsed.choice : null;
  const live = useLiveCheck<EstimatorReport>(choice ? () => api['estimate.estimator.check'](choice) : null, `${JSON.stringify(choice)}:${assetsVersion}`);
  const unsaved = !!(choice && saved.data && !sameChoice(choice, saved.data.choice));
  const update = (patch: Partial<EstimatorForm>) => {
    setJustSaved(false);
    setForm((f) => (f ? { ...f, ...patch } : f));
  };

  const save = async () => {
    if (!choice) return;
    setSaving(true);
    try {
      const report = await api['estimate.estimator.set'](choice);
      saved.reload();
      setJustSaved(true);
      notify.info(report.ok ? `Estimator saved: ${report.summary}.` : `Saved, but it cannot run yet: ${report.checks.find((c) => c.status !== 'ok')?.message ?? ''}`);
    } catch (e) {
      notify.error(e, 'Could not save the estimator');
    } finally {
      setSaving(false);
    }
  };

  return (
    <section className="settings-section" aria-labelledby="settings-estimator">
      <h2 id="settings-estimator">Estimator for “{project.name}”</h2>
      <p className="settings-note">How FLAME codes are estimated for this project’s photos. It is saved in the project, so a copied project keeps it. Each estimate records the estimator and its version.</p>
      {saved.error !== undefined && (
        <p className="form-error" role="alert">
          {errorMessage(saved.error)}
        </p>
      )}
      {saved.data && (
        <p className="muted small" data-testid="estimator-in-use">
          In use: {saved.data.summary}
          {saved.data.ok ? '' : ' (cannot run yet)'}
        </p>
      )}
      {form && (
        <div className="form">
          <fieldset className="estimator-kinds">
            <legend>Estimator</legend>
            {kinds.map((k) => (
              <label key={k.kind} className="estimator-kind">
                <input type="radio" name="estimator-kind" value={k.kind} checked={form.kind === k.kind} onChange={() => update({ kind: k.kind })} data-testid={`estimator-${k.kind}`} />
                <span>
                  <strong>{k.label}</strong> <span className="muted small">{k.description}</span>
                </span>
              </label>
            ))}
          </fieldset>
          {form.kind === 'deca' && (
            <PathField label="DECA checkpoint" kind="file" value={form.decaCheckpoint} onChange={(v) => update({ decaCheckpoint: v })} testId="deca-checkpoint" fileKinds={['checkpoint']} placeholder="/path/to/deca_model.tar" />
          )}
          {form.kind === 'emoca' && (
            <>
              <PathField label="EMOCA checkpoint" kind="file" value={form.emocaCheckpoint} onChange={(v) => update({ emocaCheckpoint: v })} testId="emoca-checkpoint" fileKinds={['checkpoint']} placeholder="/path/to/EMOCA/detail/checkpoints/deca-epoch=…ckpt" />
              <PathField label="EMOCA cfg.yaml" kind="file" value={form.emocaConfig} onChange={(v) => update({ emocaConfig: v })} testId="emoca-config" fileKinds={['yaml']} placeholder="/path/to/EMOCA/cfg.yaml" />
            </>
          )}
          {form.kind === 'fit' && <p className="muted small">Landmark fitting uses the FLAME file above (with DECA’s landmark embedding), or the demo head (not FLAME) when none is set.</p>}
        </div>
      )}
      {parsed && 'missing' in parsed && <p className="muted">To check: {parsed.missing}.</p>}
      {live.error !== undefined && (
        <p className="form-error" role="alert">
          {errorMessage(live.error)}
        </p>
      )}
      {choice && live.data && <AssetCheckList label="Estimator checks" checks={live.data.checks} checking={live.checking} />}
      <div className="settings-actions">
        <button type="button" className="primary" disabled={!choice || saving || !unsaved} onClick={() => void save()} data-testid="estimator-save">
          {saving ? 'Saving…' : 'Save estimator'}
        </button>
        <span className="muted small" role="status">
          {unsaved ? 'Not saved yet.' : justSaved ? 'Saved.' : ''}
        </span>
      </div>
    </section>
  );
}
