import { shortcutGroups } from './shortcuts';
import { Modal } from '../components/Modal';

export interface HelpOverlayProps {
  onClose: () => void;
}

/** The keyboard shortcuts, opened with `?`. */
export function HelpOverlay({ onClose }: HelpOverlayProps) {
  return (
    <Modal title="Keyboard shortcuts" onClose={onClose} className="help-overlay">
      <div className="shortcut-groups">
        {shortcutGroups.map((group) => (
          <section key={group.scope}>
            <h3>{group.scope}</h3>
            <dl className="shortcut-list">
              {group.shortcuts.map((s) => (
                <div key={s.description} className="shortcut">
                  <dt>
                    {s.keys.map((k) => (k.startsWith('+') ? <span key={k}> {k}</span> : <kbd key={k}>{k}</kbd>))}
                  </dt>
                  <dd>{s.description}</dd>
                </div>
              ))}
            </dl>
          </section>
        ))}
      </div>
    </Modal>
  );
}
