import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import { useTransport } from '../providers/BackendProvider';
import { useNotify } from '../providers/NoticesProvider';
import { PhotoTile } from './PhotoTile';
import { clickSelection, columnsFor, emptySelection, moveFocus, rangeBounds, toggleOne, type SelectionState } from './selection';
import type { PhotoPages } from './usePhotoPages';

export interface PhotoGridProps {
  pages: PhotoPages;
  selection: SelectionState;
  onSelectionChange: (selection: SelectionState) => void;
  /** Opens the photo at an index (Enter, double-click). */
  onOpen: (index: number) => void;
  /** Delete key with a selection: the parent asks for confirmation. */
  onDeleteRequest: () => void;
  minTile?: number;
  gap?: number;
  label?: string;
}

const captionHeight = 24;
const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

/**
 * The album's photos as a virtualised grid: only the rows on screen (plus a few) are in the
 * DOM, and pages of photos are fetched as they scroll into view. The listbox keeps the focus
 * itself and points at the focused photo with aria-activedescendant, so keyboard focus never
 * lands on a row the virtualiser is about to remove.
 */
export function PhotoGrid({ pages, selection, onSelectionChange, onOpen, onDeleteRequest, minTile = 150, gap = 10, label = 'Photos' }: PhotoGridProps) {
  const transport = useTransport();
  const notify = useNotify();
  const scrollRef = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  const [height, setHeight] = useState(0);
  const [focus, setFocus] = useState(0);
  const total = pages.total ?? 0;

  useLayoutEffect(() => {
    const element = scrollRef.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => {
      setWidth(entry.contentRect.width);
      setHeight(entry.contentRect.height);
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const columns = columnsFor(width, minTile, gap);
  const tile = width > 0 ? Math.floor((width - gap * (columns - 1)) / columns) : minTile;
  const rowHeight = tile + captionHeight + gap;
  const rows = Math.ceil(total / columns);
  const visibleRows = Math.max(1, Math.floor(height / rowHeight));

  const virtualizer = useVirtualizer({
    count: rows,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 4,
  });
  useEffect(() => virtualizer.measure(), [virtualizer, rowHeight]);

  const items = virtualizer.getVirtualItems();
  const firstRow = items.length ? items[0].index : 0;
  const lastRow = items.length ? items[items.length - 1].index : 0;
  useEffect(() => {
    if (total > 0) pages.ensure(firstRow * columns, Math.min(total - 1, (lastRow + 1) * columns - 1));
  }, [pages, firstRow, lastRow, columns, total]);

  // Keep the focus inside the album when it shrinks (after a delete).
  useEffect(() => {
    if (focus >= total && total > 0) setFocus(total - 1);
  }, [focus, total]);

  const selectRange = useCallback(
    async (state: SelectionState, index: number, toggle: boolean) => {
      const [low, high] = rangeBounds(state.anchor, index);
      try {
        const photos = await pages.range(low, high);
        const anchor = state.anchor ?? index;
        const id = photos.find((_, i) => low + i === index)?.id ?? 0;
        onSelectionChange(clickSelection({ ...state, anchor }, index, id, { range: true, toggle }, photos.map((p) => p.id)));
      } catch (e) {
        notify.error(e, 'Could not select the range');
      }
    },
    [pages, onSelectionChange, notify],
  );

  const onTileClick = useCallback(
    (index: number, event: MouseEvent) => {
      const photo = pages.at(index);
      if (!photo) return;
      setFocus(index);
      scrollRef.current?.focus({ preventScroll: true });
      const toggle = isMac ? event.metaKey : event.ctrlKey;
      if (event.shiftKey && selection.anchor !== null) void selectRange(selection, index, toggle);
      else onSelectionChange(clickSelection(selection, index, photo.id, { range: false, toggle }));
    },
    [pages, selection, onSelectionChange, selectRange],
  );

  const moveTo = (index: number) => {
    setFocus(index);
    virtualizer.scrollToIndex(Math.floor(index / columns), { align: 'auto' });
  };

  const onKeyDown = (event: KeyboardEvent) => {
    const command = isMac ? event.metaKey : event.ctrlKey;
    if (command && (event.key === 'a' || event.key === 'A')) {
      event.preventDefault();
      if (total > 0) void selectRange({ selected: new Set(), anchor: 0 }, total - 1, false);
      return;
    }
    if (event.key === 'Escape' && selection.selected.size > 0) {
      event.stopPropagation();
      onSelectionChange(emptySelection);
      return;
    }
    if (event.key === 'Enter') {
      // Without preventDefault the same Enter would then press the opened dialog's Close button.
      event.preventDefault();
      if (total > 0) onOpen(focus);
      return;
    }
    if (event.key === 'Delete' || (event.key === 'Backspace' && command)) {
      event.preventDefault();
      if (selection.selected.size > 0) onDeleteRequest();
      return;
    }
    if (event.key === ' ') {
      event.preventDefault();
      const photo = pages.at(focus);
      if (photo) onSelectionChange(toggleOne(selection, focus, photo.id));
      return;
    }
    const next = moveFocus(focus, event.key, { columns, total, visibleRows });
    if (next === null) return;
    event.preventDefault();
    moveTo(next);
    if (event.shiftKey) void selectRange(selection.anchor === null ? { ...selection, anchor: focus } : selection, next, false);
  };

  const open = useCallback((index: number) => onOpen(index), [onOpen]);

  return (
    <div
      ref={scrollRef}
      className="photo-grid"
      role="listbox"
      aria-label={label}
      aria-multiselectable="true"
      aria-activedescendant={total > 0 ? `photo-cell-${focus}` : undefined}
      tabIndex={0}
      onKeyDown={onKeyDown}
    >
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative', width: '100%' }}>
        {items.map((row) => (
          <div key={row.key} className="photo-row" style={{ transform: `translateY(${row.start}px)`, gap, height: rowHeight - gap }}>
            {Array.from({ length: Math.min(columns, total - row.index * columns) }, (_, c) => {
              const index = row.index * columns + c;
              const photo = pages.at(index);
              return (
                <PhotoTile
                  key={photo ? `p${photo.id}` : `i${index}`}
                  index={index}
                  photo={photo}
                  thumbUrl={photo ? transport.blobUrl(photo.hash, 'thumb') : undefined}
                  selected={photo ? selection.selected.has(photo.id) : false}
                  focused={index === focus}
                  size={tile}
                  onClick={onTileClick}
                  onOpen={open}
                />
              );
            })}
          </div>
        ))}
      </div>
    </div>
  );
}
