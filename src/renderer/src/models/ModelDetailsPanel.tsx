import { useState } from 'react';
import type { ModelInfo } from '../../../common/contract';
import { errorMessage } from '../api';
import { useApi } from '../providers/BackendProvider';
import { useNotify } from '../providers/NoticesProvider';
import { formatRoute } from '../navigation/route';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { Icon } from '../components/Icon';
import { PromptDialog } from '../components/PromptDialog';
import { useQuery } from '../hooks/useQuery';
import { FinetuneDialog } from '../train/FinetuneDialog';
import { ModelSettingsSection } from './ModelSettingsSection';
import { fileWarning, formatBytes, formatCount, kindLabels, lineageRows } from './format';

export interface ModelDetailsPanelProps {
  model: ModelInfo;
  onChanged: () => void;
  onDeleted: () => void;
}

/** Where a model's weights live, and what removing it does to that file. */
function removalNote(model: ModelInfo): string {
  if (model.projectCopy) {
    return 'The copy uploaded into the project is deleted; your own file is not touched.';
  }
  return `The checkpoint file stays where it is: ${model.filePath}`;
}

/** One model: architecture, parameters, size, hash, paths, lineage; rename and remove. */
export function ModelDetailsPanel({ model, onChanged, onDeleted }: ModelDetailsPanelProps) {
  const api = useApi();
  const notify = useNotify();
  const details = useQuery(() => api['model.get']({ modelId: model.id }), `${model.id}:${model.name}:${model.fileStatus}`);
  const [renaming, setRenaming] = useState(false);
  const [removing, setRemoving] = useState(false);
  const [finetuning, setFinetuning] = useState(false);
  const warning = fileWarning(model);
  const lineage = lineageRows(model.lineage);
  const parameters = details.data?.parameters;

  return (
    <section className="model-details" aria-label={`Model ${model.name}`}>
      <header className="model-details-head">
        <h2>{model.name}</h2>
        <span className="model-kind">{kindLabels[model.kind]}</span>
        <span className="spacer" />
        <button type="button" className="small" onClick={() => setFinetuning(true)}>
          Fine-tune…
        </button>
        <button type="button" className="small" onClick={() => setRenaming(true)}>
          <Icon name="pencil" size={14} /> Rename
        </button>
        <button type="button" className="small danger" onClick={() => setRemoving(true)}>
          <Icon name="trash" size={14} /> Remove
        </button>
      </header>
      {finetuning && <FinetuneDialog model={model} onClose={() => setFinetuning(false)} />}
      {warning && (
        <p className="form-error" role="alert">
          {warning}
        </p>
      )}
      <dl className="model-facts">
        <dt>Architecture</dt>
        <dd>{model.summary}</dd>
        <dt>Image size</dt>
        <dd>{model.imageSize ? `${model.imageSize} px` : 'not told by the weights: enter it below, or in the Image size field when editing or fine-tuning'}</dd>
        <dt>Parameters</dt>
        <dd>
          {formatCount(model.parameterCount)} ({model.parameterCount.toLocaleString()})
          {parameters && (
            <span className="muted">
              {' '}
              — UNet {formatCount(parameters.unet)}, encoder {formatCount(parameters.encoder)}
            </span>
          )}
        </dd>
        <dt>Size</dt>
        <dd>
          {formatBytes(model.sizeBytes)} <span className="muted">({model.format})</span>
        </dd>
        <dt>SHA-256</dt>
        <dd className="mono selectable">{model.sha256}</dd>
        <dt>Source</dt>
        <dd className="mono selectable">{model.sourcePath}</dd>
        {model.filePath !== model.sourcePath && (
          <>
            <dt>Weights read from</dt>
            <dd className="mono selectable">{model.filePath}</dd>
          </>
        )}
        <dt>Imported</dt>
        <dd>{new Date(model.importedAt).toLocaleString()}</dd>
        {model.kind === 'personalized' && (
          <>
            <dt>Base model</dt>
            <dd>{model.baseModel ? <a href={formatRoute('models', model.baseModel.id)}>{model.baseModel.name}</a> : <span className="muted">removed from the registry</span>}</dd>
          </>
        )}
        {details.data && details.data.derived.length > 0 && (
          <>
            <dt>Fine-tuned into</dt>
            <dd>
              {details.data.derived.map((d, i) => (
                <span key={d.id}>
                  {i > 0 && ', '}
                  <a href={formatRoute('models', d.id)}>{d.name}</a>
                </span>
              ))}
            </dd>
          </>
        )}
      </dl>
      <ModelSettingsSection model={model} onChanged={onChanged} />
      {lineage.length > 0 && (
        <>
          <h3>Lineage</h3>
          <dl className="model-facts" aria-label="Lineage">
            {lineage.map(([key, value]) => (
              <div key={key} className="model-fact-row">
                <dt>{key}</dt>
                <dd className="selectable">{value}</dd>
              </div>
            ))}
          </dl>
        </>
      )}
      <h3>Architecture (upstream arguments)</h3>
      {details.error !== undefined && (
        <p className="form-error" role="alert">
          {errorMessage(details.error)}
        </p>
      )}
      {details.data && (
        <table className="model-args" aria-label="Architecture">
          <tbody>
            {Object.entries(details.data.upstreamArgs)
              .filter(([, value]) => value !== null)
              .map(([key, value]) => (
                <tr key={key}>
                  <th scope="row">{key}</th>
                  <td className="mono">{String(value)}</td>
                </tr>
              ))}
          </tbody>
        </table>
      )}
      {renaming && (
        <PromptDialog
          title="Rename model"
          label="Name"
          initialValue={model.name}
          confirmLabel="Rename"
          onSubmit={async (name) => {
            await api['model.rename']({ modelId: model.id, name });
            onChanged();
          }}
          onClose={() => setRenaming(false)}
        />
      )}
      {removing && (
        <ConfirmDialog
          title={`Remove “${model.name}”?`}
          confirmLabel="Remove"
          danger
          onConfirm={async () => {
            try {
              await api['model.delete']({ modelId: model.id });
              notify.info(`Removed “${model.name}” from the project.`);
              onDeleted();
            } catch (e) {
              notify.error(e, 'Could not remove the model');
            }
          }}
          onClose={() => setRemoving(false)}
        >
          <p>The model leaves this project’s registry. Edits made with it keep their results.</p>
          <p className="muted">{removalNote(model)}</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
