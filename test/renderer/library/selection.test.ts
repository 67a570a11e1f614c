import { describe, expect, it } from 'vitest';
import { clickSelection, columnsFor, emptySelection, moveFocus, rangeBounds, toggleOne } from '../../../src/renderer/src/library/selection';

const ids = (s: { selected: ReadonlySet<number> }) => [...s.selected].sort((a, b) => a - b);

describe('photo grid selection', () => {
  it('a plain click selects only that photo and makes it the anchor', () => {
    const s = clickSelection({ selected: new Set([1, 2, 3]), anchor: 0 }, 4, 50, { range: false, toggle: false });
    expect(ids(s)).toEqual([50]);
    expect(s.anchor).toBe(4);
  });

  it('ctrl-click adds and removes one photo, keeping the others', () => {
    let s = clickSelection(emptySelection, 0, 10, { range: false, toggle: false });
    s = clickSelection(s, 3, 13, { range: false, toggle: true });
    expect(ids(s)).toEqual([10, 13]);
    s = clickSelection(s, 0, 10, { range: false, toggle: true });
    expect(ids(s)).toEqual([13]);
  });

  it('shift-click replaces the selection with the range; ctrl+shift adds the range', () => {
    const start = { selected: new Set([99]), anchor: 2 };
    expect(rangeBounds(2, 5)).toEqual([2, 5]);
    expect(rangeBounds(5, 2)).toEqual([2, 5]);
    expect(ids(clickSelection(start, 5, 15, { range: true, toggle: false }, [12, 13, 14, 15]))).toEqual([12, 13, 14, 15]);
    const added = clickSelection(start, 5, 15, { range: true, toggle: true }, [12, 13, 14, 15]);
    expect(ids(added)).toEqual([12, 13, 14, 15, 99]);
    expect(added.anchor).toBe(2);
  });

  it('shift-click without an anchor behaves like a plain click', () => {
    expect(ids(clickSelection(emptySelection, 5, 15, { range: true, toggle: false }, [15]))).toEqual([15]);
  });

  it('space toggles the focused photo', () => {
    const s = toggleOne({ selected: new Set([1]), anchor: 0 }, 1, 2);
    expect(ids(s)).toEqual([1, 2]);
    expect(ids(toggleOne(s, 1, 2))).toEqual([1]);
  });
});

describe('photo grid focus movement', () => {
  // 10 photos in rows of 4: 0-3, 4-7, 8-9.
  const grid = { columns: 4, total: 10, visibleRows: 2 };

  it('arrows move by one and by a row, stopping at the edges', () => {
    expect(moveFocus(5, 'ArrowRight', grid)).toBe(6);
    expect(moveFocus(5, 'ArrowLeft', grid)).toBe(4);
    expect(moveFocus(5, 'ArrowUp', grid)).toBe(1);
    expect(moveFocus(1, 'ArrowUp', grid)).toBe(1);
    expect(moveFocus(1, 'ArrowDown', grid)).toBe(5);
    expect(moveFocus(0, 'ArrowLeft', grid)).toBe(0);
    expect(moveFocus(9, 'ArrowRight', grid)).toBe(9);
  });

  it('down from above the short last row lands on the last photo; down on the last row stays', () => {
    expect(moveFocus(7, 'ArrowDown', grid)).toBe(9);
    expect(moveFocus(8, 'ArrowDown', grid)).toBe(8);
  });

  it('Home, End and page keys', () => {
    expect(moveFocus(6, 'Home', grid)).toBe(0);
    expect(moveFocus(2, 'End', grid)).toBe(9);
    expect(moveFocus(1, 'PageDown', grid)).toBe(9);
    expect(moveFocus(9, 'PageUp', grid)).toBe(1);
  });

  it('ignores other keys and empty albums', () => {
    expect(moveFocus(0, 'a', grid)).toBeNull();
    expect(moveFocus(0, 'ArrowRight', { ...grid, total: 0 })).toBeNull();
  });

  it('fits as many columns as the width allows, at least one', () => {
    expect(columnsFor(1000, 150, 10)).toBe(6);
    expect(columnsFor(150, 150, 10)).toBe(1);
    expect(columnsFor(0, 150, 10)).toBe(1);
  });
});
