import { useState } from 'react';
import { FormDialog } from './FormDialog';

export interface PromptDialogProps {
  title: string;
  label: string;
  initialValue?: string;
  confirmLabel?: string;
  /** May return a promise; on rejection the dialog stays open so the user can fix the value. */
  onSubmit: (value: string) => Promise<void> | void;
  onClose: () => void;
}

/** Asks for one line of text (a new album's name, a rename). */
export function PromptDialog({ title, label, initialValue = '', confirmLabel = 'OK', onSubmit, onClose }: PromptDialogProps) {
  const [value, setValue] = useState(initialValue);
  return (
    <FormDialog title={title} confirmLabel={confirmLabel} validate={() => (value.trim() ? null : `${label} cannot be empty.`)} onSubmit={() => onSubmit(value.trim())} onClose={onClose}>
      <label className="field">
        <span>{label}</span>
        <input value={value} onChange={(e) => setValue(e.target.value)} data-autofocus maxLength={200} />
      </label>
    </FormDialog>
  );
}
