import { useEffect, useState } from 'react';
import { errorMessage } from '../api';
import { useApi, useEvent, useReconnected } from '../providers/BackendProvider';
import { formatRoute } from '../navigation/route';
import type { ViewProps } from '../navigation/viewProps';
import { useCoalesced } from '../hooks/useCoalesced';
import { useQuery } from '../hooks/useQuery';
import { EnginePanel } from './EnginePanel';
import { importedModelId } from './format';
import { ImportModelDialog } from './ImportModelDialog';
import { ModelDetailsPanel } from './ModelDetailsPanel';
import { ModelImportControls } from './ModelImportControls';
import { ModelImportJobs } from './ModelImportJobs';
import { ModelTable } from './ModelTable';
import { TrainBaseDialog } from '../train/TrainBaseDialog';
import { ExportTrainingSetDialog, ImportTrainingSetDialog } from '../train/TrainingSetDialogs';
import './models.css';

/**
 * The project's DiffusionRig models (`#/models/<modelId>`): the registered checkpoints in a
 * table, the chosen one's details, importing (inspect first, then a job), and the Engine panel.
 */
export function ModelsView({ path, navigate }: ViewProps) {
  const api = useApi();
  const models = useQuery(() => api['model.list'](), 'models');
  const refresh = useCoalesced(models.reload);
  useReconnected(refresh);
  const [checking, setChecking] = useState<string[] | null>(null);
  const [started, setStarted] = useState<ReadonlySet<number>>(new Set());
  const [training, setTraining] = useState(false);
  const [setDialog, setSetDialog] = useState<'export' | 'import' | null>(null);

  // an ended job may have registered a model: an import (from here, the CLI or another
  // window) or a training run (a late cancel still ends 'done' with its model registered)
  useEvent('job.updated', (job) => {
    if (job.state === 'queued' || job.state === 'running') return;
    const id = job.state === 'done' && job.kind === 'model-import' && started.has(job.id) ? importedModelId(job) : null;
    if (id === null) return refresh();
    // not coalesced: the list must be loading before the route names the new model
    models.reload();
    navigate(formatRoute('models', id));
  });

  const list = models.data ?? [];
  const selectedId = Number(path[0]);
  const selected = list.find((m) => m.id === selectedId);
  const firstId = list[0]?.id;
  const settled = models.data !== undefined && !models.loading;
  useEffect(() => {
    if (settled && !selected && firstId !== undefined) window.location.replace(formatRoute('models', firstId));
  }, [settled, selected, firstId]);

  return (
    <div className="models-view">
      <header className="models-toolbar">
        <h1>Models</h1>
        <span className="muted">
          {list.length} {list.length === 1 ? 'model' : 'models'}
        </span>
        <span className="spacer" />
        <button type="button" onClick={() => setTraining(true)}>
          Train a base model…
        </button>
        <button type="button" onClick={() => setSetDialog('export')}>
          Export training set…
        </button>
        <button type="button" onClick={() => setSetDialog('import')}>
          Import training set…
        </button>
        <ModelImportControls onPaths={setChecking} />
      </header>
      <ModelImportJobs jobIds={started} onDismiss={(id) => setStarted((s) => new Set([...s].filter((x) => x !== id)))} />
      {models.error !== undefined && (
        <p className="form-error banner" role="alert">
          {errorMessage(models.error)}
        </p>
      )}
      <div className="models-body">
        {list.length > 0 ? (
          <ModelTable models={list} selectedId={selected?.id ?? null} onSelect={(id) => navigate(formatRoute('models', id))} />
        ) : (
          models.data && (
            <div className="models-empty">
              <h2>No models yet</h2>
              <p className="muted">
                Import a DiffusionRig checkpoint (<code>modelNNNNNN.pt</code> from the upstream training code, or a <code>.safetensors</code> / <code>.npz</code> state
                dict). Its architecture is read from the tensor shapes; the file stays where it is.
              </p>
            </div>
          )
        )}
        {selected && (
          <ModelDetailsPanel
            key={selected.id}
            model={selected}
            onChanged={refresh}
            onDeleted={() => {
              refresh();
              navigate(formatRoute('models'));
            }}
          />
        )}
      </div>
      <EnginePanel />
      {training && <TrainBaseDialog onClose={() => setTraining(false)} />}
      {setDialog === 'export' && <ExportTrainingSetDialog onClose={() => setSetDialog(null)} />}
      {setDialog === 'import' && <ImportTrainingSetDialog onClose={() => setSetDialog(null)} />}
      {checking && (
        <ImportModelDialog
          paths={checking}
          onClose={() => setChecking(null)}
          onStarted={(jobIds) => {
            setChecking(null);
            setStarted((s) => new Set([...s, ...jobIds]));
          }}
        />
      )}
    </div>
  );
}
