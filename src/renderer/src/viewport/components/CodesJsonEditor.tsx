import { useRef, useState } from 'react';
import { codesFromJson, codesToJson } from '../rig/codesJson';
import { codesFromContract, codesToContract, type RigStore } from '../rig/rigStore';

export interface CodesJsonEditorProps {
  store: RigStore;
  /** Called after codes were applied (e.g. to reset the view). */
  onApplied?: () => void;
}

/**
 * Codes typed or pasted as JSON (`{"exp": [...], "pose": [...], "cam": [...], "light": [...]}`),
 * and the current codes as JSON to copy out. Applied codes become what Reset returns to.
 */
export function CodesJsonEditor({ store, onApplied }: CodesJsonEditorProps) {
  const text = useRef<HTMLTextAreaElement>(null);
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);

  const apply = () => {
    try {
      const codes = codesFromJson(text.current?.value ?? '', codesToContract(store.codes));
      store.replace(codesFromContract(codes));
      setMessage({ text: 'applied', error: false });
      onApplied?.();
    } catch (err) {
      setMessage({ text: err instanceof Error ? err.message : String(err), error: true });
    }
  };

  return (
    <details className="viewport-group codes-json">
      <summary>Codes as JSON</summary>
      <textarea ref={text} rows={5} spellCheck={false} data-testid="codes-json" aria-label="Codes as JSON" placeholder='{"exp": [0.5, 0, 1.2], "pose": [0, 0.3, 0, 0.1, 0, 0]}' />
      <div className="codes-json-actions">
        <button type="button" data-testid="codes-json-apply" onClick={apply}>
          Apply
        </button>
        <button
          type="button"
          onClick={() => {
            if (text.current) text.current.value = codesToJson(store.codes);
            setMessage(null);
          }}
        >
          Show current
        </button>
      </div>
      {message && (
        <p className={message.error ? 'error' : 'note'} role={message.error ? 'alert' : 'status'} data-testid="codes-json-message">
          {message.text}
        </p>
      )}
    </details>
  );
}
