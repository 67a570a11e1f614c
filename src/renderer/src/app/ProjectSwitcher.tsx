import { useEffect, useRef, useState } from 'react';
import type { RecentProject } from '../../../common/contract';
import { useApi } from '../providers/BackendProvider';
import { useNotify } from '../providers/NoticesProvider';
import { useProject } from '../providers/ProjectProvider';

export type ProjectSwitcherProps = Record<never, never>;

/** The project name in the top bar; opens a menu of recent projects, new/open, and close. */
export function ProjectSwitcher(_props: ProjectSwitcherProps) {
  const api = useApi();
  const notify = useNotify();
  const { project, setProject, showProjects } = useProject();
  const [open, setOpen] = useState(false);
  const [recent, setRecent] = useState<RecentProject[]>([]);
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    api['project.recent']().then(setRecent, (e: unknown) => notify.error(e, 'Could not list recent projects'));
    const onPointer = (event: PointerEvent) => {
      if (!ref.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointer);
    return () => document.removeEventListener('pointerdown', onPointer);
  }, [open, api, notify]);

  const switchTo = async (dir: string) => {
    setOpen(false);
    try {
      setProject(await api['project.open']({ dir }));
    } catch (e) {
      notify.error(e, `Could not open ${dir}`);
    }
  };
  const close = async () => {
    setOpen(false);
    try {
      await api['project.close']();
      setProject(null);
    } catch (e) {
      notify.error(e, 'Could not close the project');
    }
  };

  return (
    <div className="project-switcher" ref={ref} onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}>
      <button type="button" className="project-name" aria-haspopup="menu" aria-expanded={open} aria-label={`Project ${project.name}`} title={project.dir} onClick={() => setOpen((o) => !o)}>
        {project.name} <span aria-hidden="true">▾</span>
      </button>
      {open && (
        <div className="menu" role="menu" aria-label="Projects">
          {recent
            .filter((r) => r.dir !== project.dir)
            .slice(0, 8)
            .map((r) => (
              <button key={r.dir} type="button" role="menuitem" disabled={!r.available} title={r.dir} onClick={() => void switchTo(r.dir)}>
                <span>{r.name}</span>
                <span className="muted small">{r.available ? r.dir : 'folder missing'}</span>
              </button>
            ))}
          <hr />
          <button
            type="button"
            role="menuitem"
            onClick={() => {
              setOpen(false);
              showProjects();
            }}
          >
            New or open project…
          </button>
          <button type="button" role="menuitem" onClick={() => void close()}>
            Close project
          </button>
        </div>
      )}
    </div>
  );
}
