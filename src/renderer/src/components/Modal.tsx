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
  /**
   * The dialog's own shortcuts (e.g. a photo viewer's ←/→). Called only while this dialog is the
   * topmost one and the key does not come from a form control, so a dialog opened over it (or a
   * slider inside it) owns those keys instead.
   */
  onKey?: (event: KeyboardEvent) => void;
}

/** Open modal dialogs, oldest first: the last one owns the keyboard. */
const openDialogs: HTMLDialogElement[] = [];

/** True when `dialog` is the topmost open modal (or, with null, when none is open). */
export function isTopDialog(dialog: HTMLDialogElement | null): boolean {
  const live = openDialogs.filter((d) => d.isConnected && d.open);
  return dialog === null ? live.length === 0 : live[live.length - 1] === dialog;
}

/**
 * Whether a view-level shortcut may act on this key: not while a modal dialog is open (the
 * dialog owns the keyboard, so e.g. arrow keys on its sliders never step the view behind it)
 * and not from a text field or other form control.
 */
export function viewMayHandleKey(event: KeyboardEvent): boolean {
  if (!isTopDialog(null)) return false;
  return !isFormControl(event.target);
}

function isFormControl(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName) || target.getAttribute('role') === 'slider';
}

/**
 * A modal dialog on the native <dialog> element: the browser traps focus, closes on Escape and
 * puts it in the top layer, and it is announced as a dialog named by its title. The control
 * marked `data-autofocus` gets the focus when it opens.
 */
export function Modal({ title, onClose, children, actions, className = '', hideTitle = false, onKey }: ModalProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const onCloseRef = useRef(onClose);
  const onKeyRef = useRef(onKey);
  useEffect(() => {
    onCloseRef.current = onClose;
    onKeyRef.current = onKey;
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
    openDialogs.push(dialog);
    const onKeyDown = (event: KeyboardEvent) => {
      if (!onKeyRef.current || event.defaultPrevented || !isTopDialog(dialog) || isFormControl(event.target)) return;
      onKeyRef.current(event);
    };
    window.addEventListener('keydown', onKeyDown);
    return () => {
      window.removeEventListener('keydown', onKeyDown);
      openDialogs.splice(openDialogs.indexOf(dialog), 1);
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
