import { createContext, useContext, useMemo, type ReactNode } from 'react';
import type { ProjectInfo } from '../../../common/contract';

interface ProjectState {
  project: ProjectInfo;
  /** After project.open/create/close: the new project, or null for none. */
  setProject: (project: ProjectInfo | null) => void;
  /** Shows the projects screen (recent, create, open) without closing the current project. */
  showProjects: () => void;
}

const ProjectContext = createContext<ProjectState | null>(null);

export interface ProjectProviderProps extends ProjectState {
  children?: ReactNode;
}

/** The open project, for everything inside the app shell. */
export function ProjectProvider({ project, setProject, showProjects, children }: ProjectProviderProps) {
  const value = useMemo(() => ({ project, setProject, showProjects }), [project, setProject, showProjects]);
  return <ProjectContext.Provider value={value}>{children}</ProjectContext.Provider>;
}

/** The open project and the means to switch it. */
export function useProject(): ProjectState {
  const state = useContext(ProjectContext);
  if (!state) throw new Error('useProject() outside <ProjectProvider>');
  return state;
}
