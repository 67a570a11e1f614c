import { formatRoute } from '../navigation/route';
import { views } from './views';

export interface NavRailProps {
  current: string;
}

/** The left navigation: one link per registered view. */
export function NavRail({ current }: NavRailProps) {
  return (
    <nav className="nav-rail" aria-label="Views">
      {views.map((view) => (
        <a key={view.id} href={formatRoute(view.id)} aria-current={view.id === current ? 'page' : undefined} title={view.label}>
          <span className="nav-icon" aria-hidden="true">
            {view.icon}
          </span>
          <span className="nav-label">{view.label}</span>
        </a>
      ))}
    </nav>
  );
}
