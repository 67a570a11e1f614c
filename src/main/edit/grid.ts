/**
 * The comparison grid as one image: a row per source, and per target a block of tiles
 * source | target | generated (one generated tile per mode set, in the job's order). Tiles are
 * the model's size; missing results (failed, cancelled, pending) are dark grey.
 */
import sharp, { type OverlayOptions } from 'sharp';

/** Pixels between tiles and between blocks. */
export const tileGap = 2;
export const blockGap = 8;

/** The grid's pixel size for a job's shape. */
export function gridSize(sources: number, targets: number, modeSets: number, tile: number): { width: number; height: number } {
  const blockWidth = (2 + modeSets) * tile + (1 + modeSets) * tileGap;
  return { width: targets * blockWidth + (targets - 1) * blockGap, height: sources * tile + (sources - 1) * blockGap };
}

/** Where a tile goes: row = source index, block = target index, slot 0 source, 1 target, 2+k mode set k. */
export function tileOrigin(row: number, block: number, slot: number, modeSets: number, tile: number): { left: number; top: number } {
  const blockWidth = (2 + modeSets) * tile + (1 + modeSets) * tileGap;
  return { left: block * (blockWidth + blockGap) + slot * (tile + tileGap), top: row * (tile + blockGap) };
}

/** Composes PNG tiles into the grid PNG. `tiles(row, block, slot)` gives a tile's PNG or null. */
export async function composeGrid(
  shape: { sources: number; targets: number; modeSets: number; tile: number },
  tiles: (row: number, block: number, slot: number) => Promise<Buffer | null>,
): Promise<{ png: Buffer; width: number; height: number }> {
  const { width, height } = gridSize(shape.sources, shape.targets, shape.modeSets, shape.tile);
  const layers: OverlayOptions[] = [];
  const missing = await sharp({ create: { width: shape.tile, height: shape.tile, channels: 3, background: { r: 48, g: 48, b: 52 } } }).png().toBuffer();
  for (let row = 0; row < shape.sources; row++) {
    for (let block = 0; block < shape.targets; block++) {
      for (let slot = 0; slot < 2 + shape.modeSets; slot++) {
        const input = (await tiles(row, block, slot)) ?? missing;
        const resized = await sharp(input).resize(shape.tile, shape.tile, { fit: 'cover' }).removeAlpha().png().toBuffer();
        layers.push({ input: resized, ...tileOrigin(row, block, slot, shape.modeSets, shape.tile) });
      }
    }
  }
  const png = await sharp({ create: { width, height, channels: 3, background: { r: 16, g: 17, b: 20 } } }).composite(layers).png().toBuffer();
  return { png, width, height };
}
