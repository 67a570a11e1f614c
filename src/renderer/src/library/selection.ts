// Selection and focus rules of the photo grid, kept free of React so they can be unit-tested.

/** Selected photo ids, plus the index a shift-click or shift-arrow range starts from. */
export interface SelectionState {
  selected: ReadonlySet<number>;
  anchor: number | null;
}

export const emptySelection: SelectionState = { selected: new Set(), anchor: null };

export interface ClickModifiers {
  /** Shift: select the range from the anchor. */
  range: boolean;
  /** Ctrl (Cmd on macOS): add or remove one photo, keeping the rest. */
  toggle: boolean;
}

/** Inclusive [low, high] between the anchor and `index` (just `index` without an anchor). */
export function rangeBounds(anchor: number | null, index: number): [number, number] {
  const from = anchor ?? index;
  return [Math.min(from, index), Math.max(from, index)];
}

/**
 * The selection after clicking the photo at `index` with id `id`. For a range click the caller
 * passes `rangeIds`, the ids of the photos between rangeBounds(anchor, index).
 */
export function clickSelection(state: SelectionState, index: number, id: number, modifiers: ClickModifiers, rangeIds: number[] = []): SelectionState {
  if (modifiers.range && state.anchor !== null) {
    // Ctrl+Shift adds the range to what is selected; Shift alone replaces it (as file managers do).
    const selected = new Set(modifiers.toggle ? state.selected : []);
    for (const rangeId of rangeIds) selected.add(rangeId);
    return { selected, anchor: state.anchor };
  }
  if (modifiers.toggle) {
    const selected = new Set(state.selected);
    if (selected.has(id)) selected.delete(id);
    else selected.add(id);
    return { selected, anchor: index };
  }
  return { selected: new Set([id]), anchor: index };
}

/** Toggles one photo (Space), making it the anchor. */
export function toggleOne(state: SelectionState, index: number, id: number): SelectionState {
  return clickSelection(state, index, id, { range: false, toggle: true });
}

export interface GridGeometry {
  columns: number;
  total: number;
  /** Whole rows visible at once, for Page Up / Page Down. */
  visibleRows: number;
}

/** Where a navigation key moves the focus from `current`, or null if the key does not navigate. */
export function moveFocus(current: number, key: string, { columns, total, visibleRows }: GridGeometry): number | null {
  if (total === 0) return null;
  const page = Math.max(1, visibleRows) * columns;
  let next: number;
  switch (key) {
    case 'ArrowLeft':
      next = current - 1;
      break;
    case 'ArrowRight':
      next = current + 1;
      break;
    case 'ArrowUp':
      next = current - columns;
      break;
    case 'ArrowDown': {
      // Above the last, partial row with nothing directly below: land on the last photo.
      const lastRow = Math.floor((total - 1) / columns);
      if (current + columns < total) next = current + columns;
      else next = Math.floor(current / columns) < lastRow ? total - 1 : current;
      break;
    }
    case 'Home':
      next = 0;
      break;
    case 'End':
      next = total - 1;
      break;
    case 'PageUp':
      next = current - page;
      break;
    case 'PageDown':
      next = current + page;
      break;
    default:
      return null;
  }
  if (key === 'ArrowUp' && next < 0) return current;
  return Math.min(total - 1, Math.max(0, next));
}

/** Columns that fit `width` with tiles at least `minTile` wide and `gap` between them. */
export function columnsFor(width: number, minTile: number, gap: number): number {
  return Math.max(1, Math.floor((width + gap) / (minTile + gap)));
}
