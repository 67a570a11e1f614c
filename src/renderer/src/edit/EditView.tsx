import { useEffect, useState } from 'react';
import { defaultSampler } from '../../../common/contract';
import { errorMessage } from '../api';
import { useApi, useEvent } from '../providers/BackendProvider';
import { useProject } from '../providers/ProjectProvider';
import { formatRoute } from '../navigation/route';
import type { ViewProps } from '../navigation/viewProps';
import { useQuery } from '../hooks/useQuery';
import { EditGrid } from './EditGrid';
import { EditSetup, type EditContext } from './EditSetup';
import { ResultsBrowser } from './ResultsBrowser';
import { SliderEdit } from './SliderEdit';
import { SweepPanel } from './SweepPanel';
import { loadSetup, saveSetup } from './setupStore';
import { useEditJob } from './useEditJob';
import './edit.css';

type Tab = 'grid' | 'sliders' | 'sweep' | 'results';

/** The Edit studio: setup on the left; the job's comparison grid, slider edits, sweeps and stored results on the right. */
export function EditView({ path, navigate }: ViewProps) {
  const api = useApi();
  const { project } = useProject();
  const jobId = Number(path[0]) || null;
  // back in Edit without a job in the address: show the job this project's grid showed last
  const remembered = loadSetup(project.dir).lastJobId;
  const [tab, setTab] = useState<Tab>('grid');
  const [context, setContext] = useState<EditContext>({ modelId: null, sourceIds: [], sampler: { ...defaultSampler }, meanShape: true, imageSize: () => Promise.resolve(undefined) });
  const jobs = useQuery(() => api['edit.jobs']({ limit: 30 }), 'edit-jobs');
  // only a job that still exists (a deleted one would show an error each time Edit opens)
  const rememberedExists = remembered !== null && (jobs.data?.some((j) => j.jobId === remembered) ?? false);
  useEffect(() => {
    if (jobId === null && rememberedExists) window.location.replace(formatRoute('edit', remembered!));
  }, [jobId, remembered, rememberedExists]);
  useEvent('job.updated', (job) => {
    if (job.kind === 'edit' && !jobs.data?.some((j) => j.jobId === job.id && j.state === job.state)) jobs.reload();
  });
  const { view, reload, error } = useEditJob(jobId);
  const albums = useQuery(() => api['album.list'](), 'edit-albums');
  const [resultsAlbum, setResultsAlbum] = useState<number | null>(null);
  const open = (id: number) => {
    saveSetup(project.dir, { ...loadSetup(project.dir), lastJobId: id });
    setTab('grid');
    navigate(formatRoute('edit', id));
    jobs.reload();
  };
  const tabs: [Tab, string][] = [['grid', 'Grid'], ['sliders', 'Slider edit'], ['sweep', 'Sweeps'], ['results', 'Results']];
  return (
    <div className="edit-view">
      <aside className="edit-side">
        <h1>Edit</h1>
        <EditSetup onStarted={open} onContext={setContext} restore={view} />
      </aside>
      <main className="edit-main">
        <nav className="edit-tabs" role="tablist" aria-label="Edit studio">
          {tabs.map(([key, label]) => (
            <button key={key} type="button" role="tab" aria-selected={tab === key} className={tab === key ? 'selected' : undefined} onClick={() => setTab(key)}>
              {label}
            </button>
          ))}
          <span className="spacer" />
          <select aria-label="Edit job" value={jobId ?? ''} onChange={(e) => open(Number(e.target.value))}>
            <option value="" disabled>
              Earlier jobs
            </option>
            {(jobs.data ?? []).map((j) => (
              <option key={j.jobId} value={j.jobId}>
                #{j.jobId} {j.title} ({j.state})
              </option>
            ))}
          </select>
        </nav>
        {tab === 'grid' &&
          (view ? (
            <EditGrid view={view} onChanged={reload} />
          ) : error !== undefined ? (
            <p className="form-error banner" role="alert">{errorMessage(error)}</p>
          ) : (
            <p className="muted edit-empty">Choose sources, targets and modes, then Generate. Results appear here as they finish.</p>
          ))}
        {tab === 'sliders' && (
          <div className="edit-tab-body">
            <SliderEdit modelId={context.modelId} sourceId={context.sourceIds[0] ?? null} sourceCount={context.sourceIds.length} sampler={context.sampler} meanShape={context.meanShape} imageSize={context.imageSize} onStarted={open} />
          </div>
        )}
        {tab === 'sweep' && (
          <div className="edit-tab-body">
            <SweepPanel {...context} />
          </div>
        )}
        {tab === 'results' && (
          <div className="edit-tab-body">
            <select aria-label="Results album" value={resultsAlbum ?? albums.data?.[0]?.id ?? ''} onChange={(e) => setResultsAlbum(Number(e.target.value))}>
              {(albums.data ?? []).map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
            </select>
            <ResultsBrowser albumId={resultsAlbum ?? albums.data?.[0]?.id ?? null} />
          </div>
        )}
      </main>
    </div>
  );
}
