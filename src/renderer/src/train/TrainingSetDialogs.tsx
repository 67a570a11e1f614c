import { useState } from 'react';
import { useApi } from '../providers/BackendProvider';
import { useNotify } from '../providers/NoticesProvider';
import { FormDialog } from '../components/FormDialog';
import { useQuery } from '../hooks/useQuery';
import { failureReason, firstMoments } from '../jobs/format';

/**
 * Export training set…: albums → a folder in upstream DiffusionRig's LMDB layout on the backend
 * (a 'dataset-export' job; progress and cancel are in the jobs panel).
 */
export function ExportTrainingSetDialog({ onClose }: { onClose: () => void }) {
  const api = useApi();
  const notify = useNotify();
  const albums = useQuery(() => api['album.list'](), 'albums');
  const [albumIds, setAlbumIds] = useState<number[]>([]);
  const [out, setOut] = useState('');
  const [size, setSize] = useState('256');
  const [meanShape, setMeanShape] = useState(false);
  const [v2, setV2] = useState(false);
  const validate = () => {
    if (albumIds.length === 0) return 'Choose at least one album.';
    if (!out.trim()) return 'Give the folder to write the training set into (on the backend; new or empty).';
    const n = Number(size);
    if (!Number.isInteger(n) || n < 8 || n > 1024) return 'Image size must be a whole number from 8 to 1024 (upstream: 256).';
    return null;
  };
  const submit = async () => {
    const { jobId } = await api['dataset.export']({ albumIds, out: out.trim(), imageSize: Number(size), meanShape, layout: v2 ? 'v2' : 'v1' });
    // the job checks the photos' codes and the folder first: a failure there is said here
    const job = await firstMoments(() => api['job.get']({ jobId }));
    if (job.state === 'failed') throw new Error(`The export could not start (job ${jobId}): ${failureReason(job)}`);
    notify.info(`Exporting the training set (job ${jobId}); follow it in the jobs panel.`);
  };
  return (
    <FormDialog title="Export training set" confirmLabel="Export" validate={validate} onSubmit={submit} onClose={onClose}>
      <fieldset className="field" aria-describedby="export-set-albums-hint">
        <legend>Albums</legend>
        {(albums.data ?? []).map((a, i) => (
          <label key={a.id}>
            <input type="checkbox" checked={albumIds.includes(a.id)} onChange={(e) => setAlbumIds(e.target.checked ? [...albumIds, a.id] : albumIds.filter((x) => x !== a.id))} data-autofocus={i === 0 ? true : undefined} /> {a.name} ({a.photoCount} photos)
          </label>
        ))}
        <small id="export-set-albums-hint" className="muted">
          Every photo needs FLAME codes; buffers are rendered from them with the head model in use.
        </small>
      </fieldset>
      <div className="field">
        <label htmlFor="export-set-out">Folder</label>
        <input id="export-set-out" value={out} onChange={(e) => setOut(e.target.value)} placeholder="/data/ffhq-lmdb" />
      </div>
      <div className="field">
        <label htmlFor="export-set-size">Image size (px)</label>
        <input id="export-set-size" value={size} onChange={(e) => setSize(e.target.value)} />
      </div>
      <label className="check">
        <input type="checkbox" checked={meanShape} onChange={(e) => setMeanShape(e.target.checked)} /> Mean shape (upstream&apos;s --use_meanshape)
      </label>
      <label className="check">
        <input type="checkbox" checked={v2} onChange={(e) => setV2(e.target.checked)} /> v2 records (shape_i, identity_i)
      </label>
    </FormDialog>
  );
}

/** Import training set…: an LMDB folder on the backend used in place as a training source. */
export function ImportTrainingSetDialog({ onClose }: { onClose: () => void }) {
  const api = useApi();
  const notify = useNotify();
  const [path, setPath] = useState('');
  const [name, setName] = useState('');
  const submit = async () => {
    const set = await api['dataset.import']({ path: path.trim(), ...(name.trim() ? { name: name.trim() } : {}) });
    notify.info(`Training set "${set.name}": ${set.length} records at ${set.imageSize} px${set.v2 ? ' (v2)' : ''}. Train on it with train-base --training-set.`);
  };
  return (
    <FormDialog title="Import training set" confirmLabel="Import" validate={() => (path.trim() ? null : 'Give the folder that holds data.mdb.')} onSubmit={submit} onClose={onClose}>
      <div className="field">
        <label htmlFor="import-set-path">LMDB folder (holds data.mdb)</label>
        <input id="import-set-path" value={path} onChange={(e) => setPath(e.target.value)} data-autofocus />
      </div>
      <div className="field">
        <label htmlFor="import-set-name">Name</label>
        <input id="import-set-name" value={name} onChange={(e) => setName(e.target.value)} placeholder="the folder's name" />
      </div>
    </FormDialog>
  );
}
