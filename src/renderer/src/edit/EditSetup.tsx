import { useEffect, useState } from 'react';
import { editModes, type EditJobView, type EditMode, type SamplerSettings } from '../../../common/contract';
import { errorMessage } from '../api';
import { useApi } from '../providers/BackendProvider';
import { useProject } from '../providers/ProjectProvider';
import { useQuery } from '../hooks/useQuery';
import { useJobs } from '../jobs/JobsProvider';
import { ImageSizeField, useImageSize } from '../models/ImageSizeField';
import { HeadWarning } from '../models/HeadWarning';
import { NoModelNote } from './NoModelNote';
import { PhotoPicker } from './PhotoPicker';
import { SamplerFields } from './SamplerFields';
import { EstimatorFields } from './EstimatorFields';
import { ModelRuns } from './ModelRuns';
import { generateBlocker, runsProblem } from './setup';
import { loadSetup, saveSetup, setupFromJob, type EditSetupState } from './setupStore';

const modeLabels: Record<EditMode, string> = { exp: 'Expression (+ jaw)', pose: 'Pose (global rotation)', light: 'Light (27 SH)', latent: 'Appearance (global latent)' };

/** What the setup shares with the slider edit and sweep panels. */
export interface EditContext {
  modelId: number | null;
  sourceIds: number[];
  sampler: SamplerSettings;
  meanShape: boolean;
  /** Stores a changed image size with the model and gives the size to run at; throws when it is missing or wrong. */
  imageSize: () => Promise<number | undefined>;
}

export interface EditSetupProps {
  onStarted: (jobId: number) => void;
  /** The job the grid shows: when it is not the one this setup started, the setup takes its settings. */
  restore: EditJobView | null;
  /** The setup's model and sources, shared with the slider edit and sweep panels. */
  onContext: (context: EditContext) => void;
}

/** Chooses model, sources, targets, modes and sampler settings, and starts an edit job. */
export function EditSetup({ onStarted, onContext, restore }: EditSetupProps) {
  const api = useApi();
  const models = useQuery(() => api['edit.models'](), 'models');
  const albums = useQuery(() => api['album.list'](), 'albums');
  const { project } = useProject();
  // the setup is kept per project: leaving Edit and coming back finds it as it was
  const [setup, setSetup] = useState<EditSetupState>(() => loadSetup(project.dir));
  useEffect(() => saveSetup(project.dir, setup), [project.dir, setup]);
  const set = (patch: Partial<EditSetupState>) => setSetup((s) => ({ ...s, ...patch }));
  const { modelId, sourceAlbum, targetAlbum, sources, targets, modes, combined, meanShape, sampler, extraRuns, batchSize, scores, expressionEstimator, sourceEstimator, targetEstimator } = setup;
  const setModelId = (modelId: number | null) => set({ modelId });
  const setSourceAlbum = (sourceAlbum: number | null) => set({ sourceAlbum });
  const setTargetAlbum = (targetAlbum: number | null) => set({ targetAlbum });
  const setSources = (sources: number[]) => set({ sources });
  const setTargets = (targets: number[]) => set({ targets });
  const setModes = (modes: EditMode[]) => set({ modes });
  const setCombined = (combined: boolean) => set({ combined });
  const setMeanShape = (meanShape: boolean) => set({ meanShape });
  const setSampler = (sampler: SamplerSettings) => set({ sampler });
  const setBatchSize = (batchSize: number) => set({ batchSize });
  const setScores = (scores: boolean) => set({ scores });

  // a job opened from "Earlier jobs" (or its address) brings its sources, targets, modes, model and sampler
  const restoreId = restore?.jobId ?? null;
  useEffect(() => {
    if (!restore || restore.jobId === setup.lastJobId) return;
    let live = true;
    const albumOf = (photoId: number | undefined) => (photoId === undefined ? Promise.resolve(null) : api['photo.get']({ photoId }).then((p) => p.albumId, () => null));
    void Promise.all([albumOf(restore.sourcePhotoIds[0]), albumOf(restore.targetPhotoIds[0])]).then(([source, target]) => {
      if (live) setSetup((s) => setupFromJob(s, restore, { source, target }));
    });
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [restoreId]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const model = models.data?.find((m) => m.id === modelId) ?? models.data?.[0];
  const chosenModel = model?.id ?? null;
  const albumList = albums.data ?? [];
  const firstAlbum = albumList[0]?.id ?? null;
  const modeSets = [...modes, ...(combined && modes.length > 1 ? [modes.join('+')] : [])];
  const imageSize = useImageSize(chosenModel);
  const commitSize = imageSize.commit;
  // the slider edit and sweep panels follow the setup (and the size field's latest value)
  useEffect(() => {
    onContext({ modelId: chosenModel, sourceIds: sources, sampler, meanShape, imageSize: commitSize });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [commitSize, chosenModel, sources, sampler, meanShape]);
  const { jobs } = useJobs();
  const runningJobId = jobs.find((j) => j.id === setup.lastJobId && (j.state === 'queued' || j.state === 'running'))?.id ?? null;
  const firstRun = { modelId: chosenModel, method: sampler.method ?? 'ddim', steps: sampler.steps };
  const runsError = models.data === undefined ? null : runsProblem(firstRun, extraRuns, models.data);
  const blocker = models.data === undefined ? 'Loading models…' : (generateBlocker({ models: models.data.length, sources: sources.length, targets: targets.length, modeSets: modeSets.length, imageSizeError: imageSize.error, runningJobId }) ?? runsError);
  const edits = sources.length * targets.length * modeSets.length * (1 + extraRuns.length);

  const start = async () => {
    if (chosenModel === null) return;
    setBusy(true);
    setError(null);
    try {
      const size = await imageSize.commit();
      const common = {
        sourcePhotoIds: sources, targetPhotoIds: targets, modes: modeSets, meanShape, sampler, batchSize, scores, expressionEstimator,
        ...(sourceEstimator ? { sourceEstimator } : {}),
        ...(targetEstimator ? { targetEstimator } : {}),
      };
      // the model axis: the first run, then the others with their own sampler and steps (η, seed, clip and inversion shared)
      const runs = [{ modelId: chosenModel, sampler, imageSize: size }, ...extraRuns.map((run) => ({ modelId: run.modelId!, sampler: { ...sampler, method: run.method, steps: run.steps, eta: run.method === 'dpm++' ? 0 : sampler.eta }, imageSize: run.modelId === chosenModel ? size : undefined }))];
      const { jobId } = await api['edit.start'](extraRuns.length === 0 ? { ...common, modelId: chosenModel, imageSize: size } : { ...common, runs });
      set({ lastJobId: jobId });
      onStarted(jobId);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="edit-setup" onSubmit={(e) => { e.preventDefault(); void start(); }}>
      <label className="field" style={models.data?.length === 0 ? { display: 'none' } : undefined}>
        <span>Model</span>
        <select aria-label="Model" value={chosenModel ?? ''} onChange={(e) => { setModelId(Number(e.target.value)); }}>
          {(models.data ?? []).map((m) => (
            <option key={m.id} value={m.id}>
              {m.name} ({m.kind === 'personalized' ? 'personalised' : 'base'}{m.imageSize ? `, ${m.imageSize} px` : ''})
            </option>
          ))}
        </select>
      </label>
      {models.data?.length === 0 && <NoModelNote onAdded={models.reload} />}
      <HeadWarning head={model?.head} />
      <ImageSizeField state={imageSize} />
      <PhotoPicker label="Sources" albums={albumList} albumId={sourceAlbum ?? firstAlbum} onAlbum={(id) => { setSourceAlbum(id); setSources([]); }} selected={sources} onSelected={(ids) => { setSources(ids); }} />
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
          <input type="checkbox" checked={meanShape} onChange={(e) => { setMeanShape(e.target.checked); }} /> Album mean shape
        </label>
      </fieldset>
      <EstimatorFields model={model ?? null} source={sourceEstimator ?? null} target={targetEstimator ?? null} onChange={(patch) => set(patch)} />
      <SamplerFields value={sampler} onChange={(s) => { setSampler(s); }} />
      {(models.data?.length ?? 0) > 0 && <ModelRuns models={models.data ?? []} first={firstRun} runs={extraRuns} onChange={(runs) => set({ extraRuns: runs })} />}
      <div className="edit-run-options">
        <label>
          Batch
          <input type="number" min={1} max={16} value={batchSize} onChange={(e) => setBatchSize(Math.min(16, Math.max(1, Number(e.target.value) || 1)))} />
        </label>
        <label className="check">
          <input type="checkbox" checked={scores} onChange={(e) => setScores(e.target.checked)} /> Scores
        </label>
        <label title="The FLAME estimator that re-estimates each result's expression for its expression error">
          Expression by
          <select value={expressionEstimator} disabled={!scores} onChange={(e) => set({ expressionEstimator: e.target.value as typeof expressionEstimator })} data-testid="expression-estimator">
            <option value="target">target&apos;s estimator</option>
            <option value="fit">landmark fitting</option>
            <option value="deca">DECA</option>
            <option value="emoca">EMOCA</option>
            <option value="none">off</option>
          </select>
        </label>
      </div>
      {error && <p className="form-error" role="alert">{error}</p>}
      <button type="submit" className="primary" disabled={busy || chosenModel === null || blocker !== null} aria-describedby={blocker ? 'edit-generate-why' : undefined}>
        Generate {edits} edit{edits === 1 ? '' : 's'}
      </button>
      {blocker && !busy && (
        <p id="edit-generate-why" className="muted small" data-testid="generate-why">
          {blocker}
        </p>
      )}
    </form>
  );
}
