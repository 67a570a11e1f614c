import { isTopDialog } from '../components/Modal';
import { useEffect, useState } from 'react';
import { HelpOverlay } from './HelpOverlay';
import { JobsDrawer } from '../jobs/JobsDrawer';
import { useJobs } from '../jobs/JobsProvider';
import { NavRail } from './NavRail';
import { useHashRoute } from '../navigation/route';
import { isTyping } from './shortcuts';
import { TopBar } from './TopBar';
import { defaultView, views } from './views';

export type AppShellProps = Record<never, never>;

/** Top bar, navigation rail, the routed view, and the jobs drawer, for an open project. */
export function AppShell(_props: AppShellProps) {
  const [route, navigate] = useHashRoute(defaultView);
  const [help, setHelp] = useState(false);
  const { setPanelOpen } = useJobs();
  const view = views.find((v) => v.id === route.view) ?? views[0];
  const View = view.component;

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (isTyping(event.target) || event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.key === '?') {
        event.preventDefault();
        setHelp((h) => !h);
      } else if ((event.key === 'j' || event.key === 'J') && isTopDialog(null)) {
        setPanelOpen((open) => !open);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [setPanelOpen]);

  return (
    <div className="app-shell">
      <TopBar onHelp={() => setHelp(true)} />
      <NavRail current={view.id} />
      <main className="main-area">
        <View path={view.id === route.view ? route.path : []} navigate={navigate} />
      </main>
      <JobsDrawer />
      {help && <HelpOverlay onClose={() => setHelp(false)} />}
    </div>
  );
}
