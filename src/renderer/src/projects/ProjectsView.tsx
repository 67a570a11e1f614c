import { useState } from 'react';
import type { ProjectInfo } from '../../../common/contract';
import { errorMessage } from '../api';
import { useApi } from '../providers/BackendProvider';
import { useQuery } from '../hooks/useQuery';
import { PathField } from '../components/PathField';

export interface ProjectsViewProps {
  onOpened: (project: ProjectInfo) => void;
  /** Back to the open project, when there is one. */
  onCancel?: () => void;
}

/** The projects screen: recent projects, create a new one, open an existing folder. */
export function ProjectsView({ onOpened, onCancel }: ProjectsViewProps) {
  const api = useApi();
  const recent = useQuery(() => api['project.recent'](), 'recent');
  const [name, setName] = useState('');
  const [createDir, setCreateDir] = useState('');
  const [openDir, setOpenDir] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async (action: () => Promise<ProjectInfo>) => {
    setBusy(true);
    setError(null);
    try {
      onOpened(await action());
    } catch (e) {
      setError(errorMessage(e));
      recent.reload();
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="projects-view">
      <header className="projects-header">
        <h1>Rig Studio</h1>
        {onCancel && (
          <button type="button" onClick={onCancel}>
            Back to the open project
          </button>
        )}
      </header>
      {error && (
        <p className="form-error banner" role="alert">
          {error}
        </p>
      )}
      <div className="projects-columns">
        <section className="panel" aria-labelledby="recent-heading">
          <h2 id="recent-heading">Recent projects</h2>
          {recent.data?.length === 0 && <p className="muted">No projects yet. Create one to start.</p>}
          <ul className="recent-list">
            {recent.data?.map((r) => (
              <li key={r.dir}>
                <button type="button" disabled={busy || !r.available} onClick={() => void run(() => api['project.open']({ dir: r.dir }))} aria-label={`Open project ${r.name}`}>
                  <span className="recent-name">{r.name}</span>
                  <span className="muted small">{r.available ? r.dir : `${r.dir} (missing)`}</span>
                </button>
              </li>
            ))}
          </ul>
          <button type="button" className="link-button" disabled={busy} onClick={() => void run(() => api['project.openDemo']())}>
            Open the demo project
          </button>
        </section>
        <section className="panel" aria-labelledby="create-heading">
          <h2 id="create-heading">New project</h2>
          <form
            className="form"
            aria-labelledby="create-heading"
            onSubmit={(event) => {
              event.preventDefault();
              void run(() => api['project.create']({ dir: createDir.trim(), name: name.trim() }));
            }}
          >
            <label className="field">
              <span>Project name</span>
              <input value={name} onChange={(e) => setName(e.target.value)} placeholder="Face study" required maxLength={200} />
            </label>
            <PathField kind="folder" label="Project folder" value={createDir} onChange={setCreateDir} clearable={false} />
            <p className="muted small">A new or empty folder. It will hold the database, the photos and derived files, so it can be copied or backed up as a whole.</p>
            <button type="submit" className="primary" disabled={busy || !name.trim() || !createDir.trim()}>
              Create project
            </button>
          </form>
        </section>
        <section className="panel" aria-labelledby="open-heading">
          <h2 id="open-heading">Open a project</h2>
          <form
            className="form"
            aria-labelledby="open-heading"
            onSubmit={(event) => {
              event.preventDefault();
              void run(() => api['project.open']({ dir: openDir.trim() }));
            }}
          >
            <PathField kind="folder" label="Existing project folder" value={openDir} onChange={setOpenDir} clearable={false} />
            <button type="submit" className="primary" disabled={busy || !openDir.trim()}>
              Open project
            </button>
          </form>
        </section>
      </div>
    </div>
  );
}
