import { useId } from 'react';
import { attentionExplanation, type AttentionForm } from './attention';

export interface AttentionFieldsProps {
  value: AttentionForm;
  onChange: (value: AttentionForm) => void;
  disabled?: boolean;
}

/** Attention heads and order (settings the weights do not record), with what happens if they are wrong. */
export function AttentionFields({ value, onChange, disabled = false }: AttentionFieldsProps) {
  const id = useId();
  return (
    <fieldset className="attention-fields" disabled={disabled} aria-describedby={`${id}-why`}>
      <legend>Attention (not recorded in the weights)</legend>
      <div className="attention-row">
        <label className="check">
          <input type="radio" name={`${id}-split`} checked={value.split === 'heads'} onChange={() => onChange({ ...value, split: 'heads' })} /> Heads per block
        </label>
        <input aria-label="Attention heads" type="number" min={1} max={256} value={value.numHeads} disabled={disabled || value.split !== 'heads'} onChange={(e) => onChange({ ...value, numHeads: e.target.value })} />
        <label className="check">
          <input type="radio" name={`${id}-split`} checked={value.split === 'channels'} onChange={() => onChange({ ...value, split: 'channels' })} /> Channels per head
        </label>
        <input aria-label="Channels per head" type="number" min={1} max={4096} value={value.numHeadChannels} disabled={disabled || value.split !== 'channels'} onChange={(e) => onChange({ ...value, numHeadChannels: e.target.value })} />
      </div>
      <label className="check">
        <input type="checkbox" checked={value.newOrder} onChange={(e) => onChange({ ...value, newOrder: e.target.checked })} /> New attention order (split q|k|v first; upstream <code>use_new_attention_order</code>)
      </label>
      <small id={`${id}-why`} className="muted">
        {attentionExplanation}
      </small>
    </fieldset>
  );
}
