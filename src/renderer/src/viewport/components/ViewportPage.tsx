import { lazy, Suspense, useCallback } from 'react';
import { errorMessage } from '../../api';
import { useApi, useTransport } from '../../app/BackendProvider';
import type { ViewProps } from '../../app/views';
import { useQuery } from '../../hooks/useQuery';

// three.js and react-three-fiber load with the viewport, not with the app shell.
const ViewportView = lazy(() => import('./ViewportView').then((module) => ({ default: module.ViewportView })));

export type ViewportPageProps = ViewProps;

/**
 * The viewport as an app view (`#/viewport`): fetches the active head model (the researcher's
 * FLAME file from Settings, else the demo head) and reads uploaded .npz codes on the backend.
 * Photos with camera estimates arrive with the face pipeline; ViewportView already takes them.
 */
export function ViewportPage(_props: ViewportPageProps) {
  const api = useApi();
  const transport = useTransport();
  const model = useQuery(() => api['viewport.model'](), 'model');

  const loadCodes = useCallback(
    async (file: File, index: number) => {
      const [path] = await transport.stageFiles([file]);
      return api['viewport.codes']({ path, index });
    },
    [api, transport],
  );

  if (model.error) {
    return (
      <div className="viewport-view" role="alert">
        <p className="error">The head model could not be loaded: {errorMessage(model.error)}</p>
        <button type="button" onClick={model.reload}>
          Try again
        </button>
      </div>
    );
  }
  if (!model.data) return <p className="loading">Loading the head model…</p>;
  return (
    <Suspense fallback={<p className="loading">Loading the viewport…</p>}>
      <ViewportView model={model.data} onLoadCodes={loadCodes} />
    </Suspense>
  );
}
