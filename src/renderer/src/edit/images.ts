import { useEffect, useState } from 'react';
import type { Api, EditImageKind, EncodedImage } from '../../../common/contract';

/** A data URL for an encoded image. */
export function dataUrl(image: EncodedImage): string {
  return `data:${image.mime};base64,${image.base64}`;
}

// Result images never change (a result is immutable), so they are cached for the session.
const cache = new Map<string, Promise<string>>();

/** The data URL of one image of a result, fetched once. */
export function resultImage(api: Api, resultId: number, kind: EditImageKind): Promise<string> {
  const key = `${resultId}:${kind}`;
  let pending = cache.get(key);
  if (!pending) {
    pending = api['edit.image']({ resultId, kind }).then(dataUrl);
    pending.catch(() => cache.delete(key));
    cache.set(key, pending);
  }
  return pending;
}

/** Hook form of resultImage: the URL once loaded, null before (or when resultId is null). */
export function useResultImage(api: Api, resultId: number | null, kind: EditImageKind): string | null {
  const [url, setUrl] = useState<{ key: string; url: string } | null>(null);
  const key = `${resultId}:${kind}`;
  useEffect(() => {
    if (resultId === null) return;
    let live = true;
    resultImage(api, resultId, kind).then(
      (u) => live && setUrl({ key, url: u }),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [api, resultId, kind, key]);
  return url?.key === key ? url.url : null;
}
