import { useState } from 'react';
import { errorMessage } from '../api';
import { useApi } from '../providers/BackendProvider';
import { formatRoute } from '../navigation/route';

/**
 * What Edit (and the viewport's "Generate this edit") say when the project has no model: the
 * three ways to get one, each done in the app. `onAdded` reloads the caller's model list.
 */
export function NoModelNote({ onAdded, compact = false }: { onAdded: () => void; compact?: boolean }) {
  const api = useApi();
  const [state, setState] = useState<{ busy: boolean; message: string | null }>({ busy: false, message: null });
  const addDemo = () => {
    setState({ busy: true, message: null });
    api['model.addDemo']().then(
      (model) => {
        setState({ busy: false, message: model ? null : 'This install has no Demo base model (resources/demo-model is missing).' });
        if (model) onAdded();
      },
      (error: unknown) => setState({ busy: false, message: errorMessage(error) }),
    );
  };
  return (
    <div className="edit-no-model" role="note">
      <strong>No model in this project yet.</strong>
      {!compact && <p>Editing needs a DiffusionRig model. Three ways to get one, all in the app:</p>}
      <ul>
        <li>
          <button type="button" className="link-button" disabled={state.busy} onClick={addDemo}>
            Use the Demo base model
          </button>{' '}
          — small, trained by Rig Studio on its own demo head: it edits the Demo album’s photos (the demo project has it already), not real faces.
        </li>
        <li>
          <a href={formatRoute('models')}>Models</a> → <em>Train a base model…</em> — stage 1 on your albums (a GPU, hours to days).
        </li>
        <li>
          <a href={formatRoute('models')}>Models</a> → <em>Import checkpoint…</em> — e.g. <code>model000000.pt</code> from upstream’s stage 1; a model fine-tuned on an album appears here too.
        </li>
      </ul>
      {state.message && (
        <p className="form-error" role="alert">
          {state.message}
        </p>
      )}
    </div>
  );
}
