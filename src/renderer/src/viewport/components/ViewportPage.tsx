import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { errorMessage } from '../../api';
import { formatRoute } from '../../navigation/route';
import { useApi, useTransport } from '../../providers/BackendProvider';
import type { ViewProps } from '../../navigation/viewProps';
import { useQuery } from '../../hooks/useQuery';
import { PhotoPicker } from './PhotoPicker';
import { GenerateEdit } from '../../edit/GenerateEdit';
import { photoHeadLabel } from '../photoLabel';
import { ExportHeadButton } from '../../components/ExportHeadButton';
import { fittedCanvasSize } from '../layout';

// three.js and react-three-fiber load with the viewport, not with the app shell.
const ViewportView = lazy(() => import('./ViewportView').then((module) => ({ default: module.ViewportView })));

export type ViewportPageProps = ViewProps;

/**
 * The viewport as an app view: `#/viewport` shows the active head model (the researcher's FLAME
 * file from Settings, else the demo head) on codes the user loads or enters;
 * `#/viewport/photo/<id>` shows it posed with that photo's codes in use (saved edits, else the
 * estimate) over its aligned crop.
 */
/** The canvas size that fits the window's height (kept while the window keeps its size). */
function useFittedCanvasSize(): number {
  const [size, setSize] = useState(() => fittedCanvasSize(window.innerHeight));
  useEffect(() => {
    const onResize = () => setSize(fittedCanvasSize(window.innerHeight));
    window.addEventListener('resize', onResize);
    return () => window.removeEventListener('resize', onResize);
  }, []);
  return size;
}

export function ViewportPage({ path, navigate }: ViewportPageProps) {
  const canvasSize = useFittedCanvasSize();
  const api = useApi();
  const transport = useTransport();
  const photoId = path[0] === 'photo' && Number.isInteger(Number(path[1])) ? Number(path[1]) : null;
  const model = useQuery(() => api['viewport.model'](), 'model');
  const photo = useQuery(() => (photoId ? api['viewport.photo']({ photoId }) : Promise.resolve(null)), `photo:${photoId}`);
  const photoUrl = useMemo(() => (photo.data ? `data:${photo.data.image.mime};base64,${photo.data.image.base64}` : null), [photo.data]);

  const loadCodes = useCallback(
    async (file: File, index: number) => {
      const [stagedPath] = await transport.stageFiles([file]);
      return api['viewport.codes']({ path: stagedPath, index });
    },
    [api, transport],
  );
  const picker = <PhotoPicker photoId={photoId} albumId={photo.data?.albumId ?? null} onPick={(id) => navigate(id ? formatRoute('viewport', 'photo', id) : formatRoute('viewport'))} />;

  const error = model.error ?? photo.error;
  if (error) {
    return (
      <div className="viewport-page" role="alert">
        {picker}
        <p className="error">{model.error ? 'The head model could not be loaded' : 'The photo could not be shown'}: {errorMessage(error)}</p>
        <button type="button" onClick={model.error ? model.reload : photo.reload}>
          Try again
        </button>
      </div>
    );
  }
  if (!model.data || (photoId && !photo.data)) return <p className="loading">Loading the head model…</p>;
  return (
    <div className="viewport-page">
      {picker}
      <Suspense fallback={<p className="loading">Loading the viewport…</p>}>
        <ViewportView
          key={photoId ?? 'codes'}
          model={model.data}
          initialCodes={photo.data?.codes ?? null}
          photoUrl={photoUrl}
          photoLabel={photo.data ? photoHeadLabel(photo.data) : null}
          onLoadCodes={loadCodes}
          canvasSize={canvasSize}
          actions={
            photoId
              ? (currentCodes) => (
                  <>
                    <GenerateEdit photoId={photoId} currentCodes={currentCodes} />
                    <ExportHeadButton photoId={photoId} currentCodes={currentCodes} />
                  </>
                )
              : undefined
          }
        />
      </Suspense>
    </div>
  );
}
