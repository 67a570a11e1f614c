import { describe, expect, it } from 'vitest';
import { blockWidth, blocksPerRow, fitTile, tileLimits, tilesPerLine } from '../../../src/renderer/src/edit/gridLayout';

describe('the comparison grid fits its pane', () => {
  // 3 × 3 × 3: per target block source, target and three modes = 5 tiles
  it('sizes tiles so every block of a row fits, fewer blocks per row when tiles would get too small', () => {
    for (const width of [630, 986, 1100, 1500, 2400]) {
      const tile = fitTile(width, 5, 3);
      const perRow = blocksPerRow(width, tile, 5, 3);
      expect(perRow * blockWidth(tile, 5) + (perRow - 1) * 8, `width ${width}`).toBeLessThanOrEqual(width);
      expect(tile).toBeGreaterThanOrEqual(tileLimits.readable);
    }
    // wide enough: all three targets side by side
    expect(blocksPerRow(1500, fitTile(1500, 5, 3), 5, 3)).toBe(3);
    // a 1024-px window's pane: one block per row at a readable size
    expect(blocksPerRow(630, fitTile(630, 5, 3), 5, 3)).toBe(1);
  });

  it('shrinks a single block to the pane, down to the smallest tile, and caps the largest', () => {
    expect(fitTile(200, 5, 1)).toBe(tileLimits.min);
    expect(fitTile(300, 5, 1)).toBe(56);
    expect(blockWidth(fitTile(400, 5, 1), 5)).toBeLessThanOrEqual(400);
    expect(fitTile(5000, 3, 1)).toBe(tileLimits.max);
  });

  it('wraps blocks of a chosen tile size instead of overflowing', () => {
    expect(blocksPerRow(986, 112, 5, 3)).toBe(1);
    expect(blocksPerRow(986, 64, 5, 3)).toBe(2);
    expect(blocksPerRow(100, 256, 5, 3)).toBe(1);
  });

  it('wraps the tiles of a block wider than the pane (many mode sets × model runs)', () => {
    // 4 modes × 4 runs: 2 + 16 tiles, too many for a 568-px pane even at the smallest tile
    const tile = fitTile(568, 18, 1);
    expect(tile).toBe(tileLimits.min);
    const perLine = tilesPerLine(568, tile, 18);
    expect(perLine).toBeLessThan(18);
    expect(blockWidth(tile, perLine)).toBeLessThanOrEqual(568);
    expect(blockWidth(tile, perLine + 1)).toBeGreaterThan(568);
    // a block that fits keeps its tiles on one line
    expect(tilesPerLine(1200, 96, 7)).toBe(7);
    expect(tilesPerLine(40, 96, 7)).toBe(1);
  });
});
