import { useEffect, useState } from 'react';
import type { ConnectionState } from '../api';
import { useTransport } from '../providers/BackendProvider';
import { JobsIndicator } from './JobsIndicator';
import { ProjectSwitcher } from './ProjectSwitcher';

export interface TopBarProps {
  onHelp: () => void;
}

/** App name, project switcher, connection warning, help and the jobs indicator. */
export function TopBar({ onHelp }: TopBarProps) {
  const transport = useTransport();
  const [connection, setConnection] = useState<ConnectionState>('open');
  useEffect(() => transport.onConnection(setConnection), [transport]);
  return (
    <header className="top-bar">
      <span className="brand">Rig Studio</span>
      <ProjectSwitcher />
      <span className="spacer" />
      {connection === 'closed' && (
        <span className="connection-warning" role="status">
          Connection to the server lost; reconnecting…
        </span>
      )}
      <button type="button" className="icon-button" aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)" onClick={onHelp}>
        ?
      </button>
      <JobsIndicator />
    </header>
  );
}
