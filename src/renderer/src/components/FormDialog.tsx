import { useState, type ReactNode } from 'react';
import { Modal } from './Modal';

export interface FormDialogProps {
  title: string;
  /** The submit button's text. */
  confirmLabel: string;
  /** The form's fields. */
  children?: ReactNode;
  /** Checks the fields before submitting: a message to show (the dialog stays open), or null. */
  validate?: () => string | null;
  /** Does the work; the dialog closes when it resolves and shows the error's message when it rejects. */
  onSubmit: () => Promise<void> | void;
  onClose: () => void;
}

/**
 * A dialog holding one form: Enter or the submit button validates, then submits with the buttons
 * disabled; an error keeps the dialog open with the message so the user can fix the values.
 */
export function FormDialog({ title, confirmLabel, children, validate, onSubmit, onClose }: FormDialogProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    const problem = validate?.() ?? null;
    if (problem) {
      setError(problem);
      return;
    }
    setBusy(true);
    try {
      await onSubmit();
      onClose();
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  };
  return (
    <Modal title={title} onClose={onClose}>
      <form
        className="form"
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        {children}
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <div className="modal-actions">
          <button type="button" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {confirmLabel}
          </button>
        </div>
      </form>
    </Modal>
  );
}
