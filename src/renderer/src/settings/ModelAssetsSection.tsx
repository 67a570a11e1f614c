import { useEffect, useState } from 'react';
import type { ModelAssetReport } from '../../../common/contract';
import { errorMessage } from '../api';
import { useApi } from '../providers/BackendProvider';
import { useNotify } from '../providers/NoticesProvider';
import { useQuery } from '../hooks/useQuery';
import { AssetCheckList } from './AssetCheckList';
import { pathOrNull } from './form';
import { PathField } from '../components/PathField';
import { useLiveCheck } from './useLiveCheck';

export interface ModelAssetsSectionProps {
  /** Called after the paths were saved (the estimator check depends on them). */
  onSaved?: (report: ModelAssetReport) => void;
}

/**
 * The researcher's FLAME model file and DECA data folder: checked live as they are typed or
 * browsed (flame.assets.check), remembered for the app with Save (flame.assets.set).
 */
export function ModelAssetsSection({ onSaved }: ModelAssetsSectionProps) {
  const api = useApi();
  const notify = useNotify();
  const saved = useQuery(() => api['flame.assets.get'](), 'assets');
  const [modelPath, setModelPath] = useState('');
  const [decaDataDir, setDecaDataDir] = useState('');
  const [loaded, setLoaded] = useState(false);
  const [saving, setSaving] = useState(false);
  /** "Saved." is said only after a save in this visit, until something changes again. */
  const [justSaved, setJustSaved] = useState(false);

  // the form starts from what is remembered, once
  useEffect(() => {
    if (loaded || !saved.data) return;
    setModelPath(saved.data.paths.modelPath ?? '');
    setDecaDataDir(saved.data.paths.decaDataDir ?? '');
    setLoaded(true);
  }, [loaded, saved.data]);

  const paths = { modelPath: pathOrNull(modelPath), decaDataDir: pathOrNull(decaDataDir) };
  const live = useLiveCheck(loaded ? () => api['flame.assets.check'](paths) : null, JSON.stringify([loaded, paths]));
  const report = live.data ?? saved.data;
  const remembered = saved.data?.paths;
  const unsaved = loaded && remembered !== undefined && (remembered.modelPath !== paths.modelPath || remembered.decaDataDir !== paths.decaDataDir);
  useEffect(() => {
    if (unsaved) setJustSaved(false);
  }, [unsaved]);

  const save = async () => {
    setSaving(true);
    try {
      const result = await api['flame.assets.set'](paths);
      saved.reload();
      setJustSaved(true);
      onSaved?.(result);
      if (result.ok) notify.info('FLAME files saved.');
      else notify.info('Saved. Some files still need attention (see the checks).');
    } catch (e) {
      notify.error(e, 'Could not save the FLAME files');
    } finally {
      setSaving(false);
    }
  };

  return (
    <section className="settings-section" aria-labelledby="settings-flame">
      <h2 id="settings-flame">FLAME model assets</h2>
      <p className="settings-note" data-testid="flame-note">
        Rig Studio never ships FLAME data: FLAME is licensed to you by its authors (flame.is.tue.mpg.de), and DECA's data folder comes with DECA. Until you set a FLAME file here, the 3D head and
        landmark fitting use the app's own <strong>demo head</strong>, which is clearly labelled and is <strong>not FLAME</strong>.
      </p>
      {saved.data && (
        <p className="muted small" data-testid="flame-in-use">
          In use now: {saved.data.paths.modelPath ? (saved.data.ok ? `FLAME from ${saved.data.paths.modelPath}` : `${saved.data.paths.modelPath}, not usable yet (see the checks)`) : 'the demo head (not FLAME)'}
        </p>
      )}
      {saved.error !== undefined && (
        <p className="form-error" role="alert">
          {errorMessage(saved.error)}
        </p>
      )}
      <div className="form">
        <PathField
          label="FLAME model file"
          kind="file"
          value={modelPath}
          onChange={setModelPath}
          testId="flame-model-path"
          placeholder="/path/to/generic_model.pkl"
          hint="generic_model.pkl (FLAME 2020) or flame2023*.pkl; an .npz in the same layout also works."
        />
        <PathField
          label="DECA data folder"
          kind="folder"
          value={decaDataDir}
          onChange={setDecaDataDir}
          testId="deca-data-dir"
          placeholder="/path/to/DECA/data"
          hint="The folder holding landmark_embedding.npy, head_template.obj and, optionally, FLAME_albedo_from_BFM.npz or FLAME_texture.npz."
        />
      </div>
      {live.error !== undefined && (
        <p className="form-error" role="alert">
          {errorMessage(live.error)}
        </p>
      )}
      {report && <AssetCheckList label="FLAME asset checks" checks={report.checks} checking={live.checking} unsetIsOptional={paths.modelPath === null && paths.decaDataDir === null} />}
      {report?.model && (
        <p className="muted small">
          Model: {report.model.vertexCount.toLocaleString()} vertices, {report.model.faceCount.toLocaleString()} faces, {report.model.shapeComponents} shape and {report.model.expressionComponents}{' '}
          expression components.
        </p>
      )}
      <div className="settings-actions">
        <button type="button" className="primary" disabled={!loaded || saving || !unsaved} onClick={() => void save()} data-testid="flame-save">
          {saving ? 'Saving…' : 'Save FLAME files'}
        </button>
        <span className="muted small" role="status">
          {unsaved ? 'Not saved yet.' : justSaved ? 'Saved.' : ''}
        </span>
      </div>
    </section>
  );
}
