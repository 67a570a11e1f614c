import { useState, type ReactNode } from 'react';
import { Modal } from './Modal';

export interface ConfirmDialogProps {
  title: string;
  children?: ReactNode;
  confirmLabel?: string;
  /** Styles the confirm button as destructive. */
  danger?: boolean;
  /** May return a promise; the dialog waits (buttons disabled) and closes when it settles. */
  onConfirm: () => unknown;
  onClose: () => void;
}

/** Asks before doing something that cannot be undone. */
export function ConfirmDialog({ title, children, confirmLabel = 'OK', danger = false, onConfirm, onClose }: ConfirmDialogProps) {
  const [busy, setBusy] = useState(false);
  const confirm = async () => {
    setBusy(true);
    try {
      await onConfirm();
    } finally {
      setBusy(false);
      onClose();
    }
  };
  return (
    <Modal
      title={title}
      onClose={onClose}
      actions={
        <>
          <button type="button" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="button" className={danger ? 'danger' : 'primary'} onClick={() => void confirm()} disabled={busy} data-autofocus>
            {confirmLabel}
          </button>
        </>
      }
    >
      {children}
    </Modal>
  );
}
