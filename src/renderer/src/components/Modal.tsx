import { useEffect, useId, useRef, type ReactNode } from 'react';

export interface ModalProps {
  title: string;
  onClose: () => void;
  children?: ReactNode;
  /** Buttons shown at the bottom right. */
  actions?: ReactNode;
  className?: string;
  /** Hides the title visually (still read by screen readers), for image viewers. */
  hideTitle?: boolean;
}

/**
 * A modal dialog on the native <dialog> element: the browser traps focus, closes on Escape and
 * puts it in the top layer, and it is announced as a dialog named by its title. The control
 * marked `data-autofocus` gets the focus when it opens.
 */
export function Modal({ title, onClose, children, actions, className = '', hideTitle = false }: ModalProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const onCloseRef = useRef(onClose);
  useEffect(() => {
    onCloseRef.current = onClose;
  });
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (!dialog.open) dialog.showModal();
    // showModal focuses the first focusable element (the Close button); React's autoFocus runs
    // before it, so dialogs mark the control that should start focused with data-autofocus.
    dialog.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    const onCancel = (event: Event) => {
      event.preventDefault();
      onCloseRef.current();
    };
    dialog.addEventListener('cancel', onCancel);
    return () => {
      dialog.removeEventListener('cancel', onCancel);
      dialog.close();
    };
  }, []);
  return (
    <dialog ref={ref} className={`modal ${className}`} aria-labelledby={titleId}>
      <header className="modal-header">
        <h2 id={titleId} className={hideTitle ? 'visually-hidden' : undefined}>
          {title}
        </h2>
        <button type="button" className="icon-button" aria-label="Close" onClick={onClose}>
          ×
        </button>
      </header>
      <div className="modal-body">{children}</div>
      {actions && <footer className="modal-actions">{actions}</footer>}
    </dialog>
  );
}
