import { useCallback, useEffect, useState } from 'react';
import type { ProjectInfo } from '../../../common/contract';
import { errorMessage } from '../api';
import { NoticeStack } from '../components/NoticeStack';
import { JobsProvider } from '../jobs/JobsProvider';
import { ProjectsView } from '../projects/ProjectsView';
import { AppShell } from './AppShell';
import { useApi, useReconnected } from '../providers/BackendProvider';
import { ProjectProvider } from '../providers/ProjectProvider';

export type AppProps = Record<never, never>;

/** Asks the backend which project is open: none → the projects screen, else the app shell. */
export function App(_props: AppProps) {
  const api = useApi();
  // undefined while asking the backend; null when no project is open.
  const [project, setProjectState] = useState<ProjectInfo | null | undefined>(undefined);
  const [picking, setPicking] = useState(false);
  const [startError, setStartError] = useState<string | null>(null);

  useEffect(() => {
    api['project.current']().then(setProjectState, (e: unknown) => setStartError(errorMessage(e)));
  }, [api]);

  // A restarted server has no project open: after a reconnect, ask again.
  useReconnected(() => void api['project.current']().then(setProjectState, () => undefined));

  const setProject = useCallback((next: ProjectInfo | null) => {
    setProjectState(next);
    setPicking(false);
  }, []);
  const showProjects = useCallback(() => setPicking(true), []);

  let content;
  if (startError) {
    content = (
      <div className="start-error" role="alert">
        <h1>Rig Studio cannot start</h1>
        <p>{startError}</p>
      </div>
    );
  } else if (project === undefined) {
    content = <p className="loading">Loading…</p>;
  } else if (project === null || picking) {
    content = <ProjectsView onOpened={setProject} onCancel={project ? () => setPicking(false) : undefined} />;
  } else {
    content = (
      <ProjectProvider project={project} setProject={setProject} showProjects={showProjects}>
        <JobsProvider projectDir={project.dir}>
          <AppShell key={project.dir} />
        </JobsProvider>
      </ProjectProvider>
    );
  }
  return (
    <>
      {content}
      <NoticeStack />
    </>
  );
}
