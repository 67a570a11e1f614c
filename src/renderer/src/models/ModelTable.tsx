import type { ModelInfo } from '../../../common/contract';
import { formatBytes, formatCount, kindLabels } from './format';

export interface ModelTableProps {
  models: ModelInfo[];
  selectedId: number | null;
  onSelect: (modelId: number) => void;
}

/** The registered models, one row each; a row opens its details (click, or Enter/Space). */
export function ModelTable({ models, selectedId, onSelect }: ModelTableProps) {
  return (
    <div className="model-table-scroll">
      <table className="model-table" aria-label="Registered models">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Kind</th>
            <th scope="col">Architecture</th>
            <th scope="col" className="number">
              Parameters
            </th>
            <th scope="col" className="number">
              Size
            </th>
            <th scope="col">Imported</th>
          </tr>
        </thead>
        <tbody>
          {models.map((model) => (
            <tr
              key={model.id}
              tabIndex={0}
              aria-current={model.id === selectedId ? true : undefined}
              className={model.id === selectedId ? 'selected' : undefined}
              onClick={() => onSelect(model.id)}
              onKeyDown={(event) => {
                if (event.key === 'Enter' || event.key === ' ') {
                  event.preventDefault();
                  onSelect(model.id);
                }
              }}
            >
              <td>
                {model.name}
                {model.fileStatus !== 'ok' && (
                  <span className="model-file-flag" title={model.fileStatus === 'missing' ? 'The checkpoint file is gone' : 'The checkpoint file has changed'}>
                    {model.fileStatus === 'missing' ? ' (file missing)' : ' (file changed)'}
                  </span>
                )}
              </td>
              <td>{kindLabels[model.kind]}</td>
              <td className="model-summary">{model.summary}</td>
              <td className="number">{formatCount(model.parameterCount)}</td>
              <td className="number">{formatBytes(model.sizeBytes)}</td>
              <td title={new Date(model.importedAt).toLocaleString()}>{new Date(model.importedAt).toLocaleDateString()}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
