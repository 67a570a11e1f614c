import { useNotices } from '../providers/NoticesProvider';

export type NoticeStackProps = Record<never, never>;

/** Errors and confirmations, bottom right; errors are alerts and stay until dismissed. */
export function NoticeStack(_props: NoticeStackProps) {
  const { notices, dismiss } = useNotices();
  return (
    <div className="notice-stack" aria-live="polite">
      {notices.map((n) => (
        <div key={n.id} className={`notice notice-${n.kind}`} role={n.kind === 'error' ? 'alert' : 'status'}>
          <span>{n.text}</span>
          <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => dismiss(n.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
