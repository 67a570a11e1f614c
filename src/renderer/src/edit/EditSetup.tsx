import { useState } from 'react';
import { defaultSampler, editModes, type EditMode, type SamplerSettings } from '../../../common/contract';
import { errorMessage } from '../api';
import { useApi } from '../app/BackendProvider';
import { useQuery } from '../hooks/useQuery';
import { PhotoPicker } from './PhotoPicker';
import { SamplerFields } from './SamplerFields';

const modeLabels: Record<EditMode, string> = { exp: 'Expression (+ jaw)', pose: 'Pose (global rotation)', light: 'Light (27 SH)', latent: 'Appearance (global latent)' };

export interface EditSetupProps {
  onStarted: (jobId: number) => void;
  /** The setup's model and sources, shared with the slider edit and sweep panels. */
  onContext: (context: { modelId: number | null; sourceIds: number[]; sampler: SamplerSettings; meanShape: boolean }) => void;
}

/** Chooses model, sources, targets, modes and sampler settings, and starts an edit job. */
export function EditSetup({ onStarted, onContext }: EditSetupProps) {
  const api = useApi();
  const models = useQuery(() => api['edit.models'](), 'models');
  const albums = useQuery(() => api['album.list'](), 'albums');
  const [modelId, setModelId] = useState<number | null>(null);
  const [sourceAlbum, setSourceAlbum] = useState<number | null>(null);
  const [targetAlbum, setTargetAlbum] = useState<number | null>(null);
  const [sources, setSources] = useState<number[]>([]);
  const [targets, setTargets] = useState<number[]>([]);
  const [modes, setModes] = useState<EditMode[]>(['exp', 'pose', 'light']);
  const [combined, setCombined] = useState(false);
  const [meanShape, setMeanShape] = useState(true);
  const [sampler, setSampler] = useState<SamplerSettings>({ ...defaultSampler });
  const [batchSize, setBatchSize] = useState(4);
  const [scores, setScores] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const model = models.data?.find((m) => m.id === modelId) ?? models.data?.[0];
  const chosenModel = model?.id ?? null;
  const albumList = albums.data ?? [];
  const firstAlbum = albumList[0]?.id ?? null;
  const modeSets = [...modes, ...(combined && modes.length > 1 ? [modes.join('+')] : [])];
  const update = (patch: Partial<{ modelId: number | null; sourceIds: number[]; sampler: SamplerSettings; meanShape: boolean }>) =>
    onContext({ modelId: chosenModel, sourceIds: sources, sampler, meanShape, ...patch });

  const start = async () => {
    if (chosenModel === null) return;
    setBusy(true);
    setError(null);
    try {
      const { jobId } = await api['edit.start']({ modelId: chosenModel, sourcePhotoIds: sources, targetPhotoIds: targets, modes: modeSets, meanShape, sampler, batchSize, scores });
      onStarted(jobId);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="edit-setup" onSubmit={(e) => { e.preventDefault(); void start(); }}>
      <label className="field">
        <span>Model</span>
        <select aria-label="Model" value={chosenModel ?? ''} onChange={(e) => { setModelId(Number(e.target.value)); update({ modelId: Number(e.target.value) }); }}>
          {(models.data ?? []).map((m) => (
            <option key={m.id} value={m.id}>
              {m.name} ({m.kind === 'personalized' ? 'personalised' : 'base'}{m.imageSize ? `, ${m.imageSize} px` : ''})
            </option>
          ))}
        </select>
        {models.data?.length === 0 && <span className="muted">No model yet: import a checkpoint (rig-studio model import) or fine-tune one.</span>}
      </label>
      <PhotoPicker label="Sources" albums={albumList} albumId={sourceAlbum ?? firstAlbum} onAlbum={(id) => { setSourceAlbum(id); setSources([]); }} selected={sources} onSelected={(ids) => { setSources(ids); update({ sourceIds: ids }); }} />
      <PhotoPicker label="Targets" albums={albumList} albumId={targetAlbum ?? firstAlbum} onAlbum={(id) => { setTargetAlbum(id); setTargets([]); }} selected={targets} onSelected={setTargets} />
      <fieldset className="edit-modes">
        <legend>Modes</legend>
        {editModes.map((m) => (
          <label key={m} className="check">
            <input type="checkbox" checked={modes.includes(m)} onChange={(e) => setModes(e.target.checked ? editModes.filter((x) => x === m || modes.includes(x)) : modes.filter((x) => x !== m))} /> {modeLabels[m]}
          </label>
        ))}
        <label className="check">
          <input type="checkbox" checked={combined} onChange={(e) => setCombined(e.target.checked)} /> Also all checked modes combined
        </label>
        <label className="check">
          <input type="checkbox" checked={meanShape} onChange={(e) => { setMeanShape(e.target.checked); update({ meanShape: e.target.checked }); }} /> Album mean shape
        </label>
      </fieldset>
      <SamplerFields value={sampler} onChange={(s) => { setSampler(s); update({ sampler: s }); }} />
      <div className="edit-run-options">
        <label>
          Batch
          <input type="number" min={1} max={16} value={batchSize} onChange={(e) => setBatchSize(Math.min(16, Math.max(1, Number(e.target.value) || 1)))} />
        </label>
        <label className="check">
          <input type="checkbox" checked={scores} onChange={(e) => setScores(e.target.checked)} /> Scores
        </label>
      </div>
      {error && <p className="form-error" role="alert">{error}</p>}
      <button type="submit" className="primary" disabled={busy || chosenModel === null || sources.length === 0 || targets.length === 0 || modeSets.length === 0}>
        Generate {sources.length * targets.length * modeSets.length} edit{sources.length * targets.length * modeSets.length === 1 ? '' : 's'}
      </button>
    </form>
  );
}
