/**
 * How the comparison grid fits its pane: the tile size that shows as many target blocks of a
 * source side by side as the width allows (all of them when tiles can stay readable), and how
 * many blocks of a given tile size fit in a row. Blocks that do not fit wrap under the first
 * ones, and a block wider than the pane wraps its own tiles (tilesPerLine): the pane never
 * scrolls sideways.
 */

/** A target block's frame in edit.css: 4 px padding and a 1 px border each side, 2 px between tiles, 8 px between blocks. */
export const blockFrame = { padding: 10, tileGap: 2, blockGap: 8 } as const;

/** Tile sizes the fit chooses from: below `readable` it shows fewer blocks per row instead, never below `min`. */
export const tileLimits = { min: 48, readable: 88, max: 192 } as const;

/** Width of one block of `tiles` tiles of `tile` px. */
export function blockWidth(tile: number, tiles: number): number {
  return tiles * tile + (tiles - 1) * blockFrame.tileGap + blockFrame.padding;
}

/** How many blocks of `tile` px fit side by side in `width` px (at least 1, at most `targets`). */
export function blocksPerRow(width: number, tile: number, tiles: number, targets: number): number {
  const fit = Math.floor((width + blockFrame.blockGap) / (blockWidth(tile, tiles) + blockFrame.blockGap));
  return Math.max(1, Math.min(targets, fit));
}

/**
 * The largest tile (up to `tileLimits.max`) at which the most blocks of one source fit in
 * `width`, preferring all targets in one row while tiles stay at least `tileLimits.readable`.
 */
export function fitTile(width: number, tiles: number, targets: number): number {
  const largest = (perRow: number) => Math.floor((width - (perRow - 1) * blockFrame.blockGap - perRow * (blockFrame.padding + (tiles - 1) * blockFrame.tileGap)) / (perRow * tiles));
  for (let perRow = Math.max(1, targets); perRow >= 1; perRow--) {
    const tile = largest(perRow);
    if (tile >= tileLimits.readable) return Math.min(tileLimits.max, tile);
  }
  return Math.max(tileLimits.min, Math.min(tileLimits.max, largest(1)));
}

/**
 * Tiles per line of one block: all of them when the block fits `width` at `tile` px, else as
 * many as fit (at least 1) and the block's tiles wrap, so a block with many mode sets and model
 * runs stays inside the pane too.
 */
export function tilesPerLine(width: number, tile: number, tiles: number): number {
  return Math.max(1, Math.min(tiles, Math.floor((width - blockFrame.padding + blockFrame.tileGap) / (tile + blockFrame.tileGap))));
}
