import { useCallback, useEffect, useRef, useState } from 'react';
import type { PhotoSummary } from '../../../common/contract';
import { useApi } from '../providers/BackendProvider';
import { useNotify } from '../providers/NoticesProvider';

export const pageSize = 200;

export interface PhotoPages {
  /** Photos in the album; undefined until the first page arrives. */
  total: number | undefined;
  /** The photo at `index` if its page is loaded. */
  at: (index: number) => PhotoSummary | undefined;
  /** Fetches the pages covering [first, last] (the grid's visible range) that are not loaded or loading. */
  ensure: (first: number, last: number) => void;
  /** Like ensure, for photos off screen (the viewer's neighbours); the visible range stays. */
  prefetch: (first: number, last: number) => void;
  /** Loads and returns the photos in [first, last] (for range selection and select-all). */
  range: (first: number, last: number) => Promise<PhotoSummary[]>;
  /** Drops cached pages (after an import or delete); shown pages stay until the new ones arrive. */
  invalidate: () => void;
}

/**
 * The album's photos fetched page by page (photo.list) as the grid scrolls, so 100,000 photos
 * cost what is on screen, not what is in the album.
 */
export function usePhotoPages(albumId: number): PhotoPages {
  const api = useApi();
  const notify = useNotify();
  const [total, setTotal] = useState<number | undefined>(undefined);
  const [, setVersion] = useState(0);
  const pages = useRef(new Map<number, PhotoSummary[]>());
  const stale = useRef(new Map<number, PhotoSummary[]>());
  const loading = useRef(new Map<number, Promise<PhotoSummary[]>>());
  const generation = useRef(0);
  const visible = useRef<[number, number]>([0, pageSize - 1]);

  const fetchPage = useCallback(
    (page: number): Promise<PhotoSummary[]> => {
      const cached = pages.current.get(page);
      if (cached) return Promise.resolve(cached);
      const pending = loading.current.get(page);
      if (pending) return pending;
      const mine = generation.current;
      const request = api['photo.list']({ albumId, offset: page * pageSize, limit: pageSize }).then((result) => {
        if (mine !== generation.current) return result.items;
        loading.current.delete(page);
        pages.current.set(page, result.items);
        stale.current.delete(page);
        setTotal(result.total);
        setVersion((v) => v + 1);
        return result.items;
      });
      request.catch((e: unknown) => {
        if (mine !== generation.current) return;
        loading.current.delete(page);
        notify.error(e, 'Could not load photos');
      });
      loading.current.set(page, request);
      return request;
    },
    [api, albumId, notify],
  );

  const prefetch = useCallback(
    (first: number, last: number) => {
      for (let page = Math.floor(Math.max(0, first) / pageSize); page <= Math.floor(Math.max(first, last) / pageSize); page++) void fetchPage(page).catch(() => undefined);
    },
    [fetchPage],
  );

  const ensure = useCallback(
    (first: number, last: number) => {
      visible.current = [first, last];
      prefetch(first, last);
    },
    [prefetch],
  );

  const invalidate = useCallback(() => {
    generation.current += 1;
    for (const [page, items] of pages.current) stale.current.set(page, items);
    pages.current = new Map();
    loading.current = new Map();
    const [first, last] = visible.current;
    ensure(first, last);
  }, [ensure]);

  // A new album starts from nothing.
  useEffect(() => {
    generation.current += 1;
    pages.current = new Map();
    stale.current = new Map();
    loading.current = new Map();
    setTotal(undefined);
    void fetchPage(0).catch(() => undefined);
  }, [fetchPage]);

  const at = (index: number) => {
    const page = Math.floor(index / pageSize);
    return (pages.current.get(page) ?? stale.current.get(page))?.[index % pageSize];
  };

  const range = useCallback(
    async (first: number, last: number) => {
      const out: PhotoSummary[] = [];
      for (let page = Math.floor(first / pageSize); page <= Math.floor(last / pageSize); page++) {
        const items = await fetchPage(page);
        items.forEach((item, i) => {
          const index = page * pageSize + i;
          if (index >= first && index <= last) out.push(item);
        });
      }
      return out;
    },
    [fetchPage],
  );

  return { total, at, ensure, prefetch, range, invalidate };
}
