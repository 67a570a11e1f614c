/**
 * The comparison grid as one image: a row per source, and per target a block of tiles
 * source | target | generated (one generated tile per mode set, in the job's order). Tiles are
 * the model's size; missing results (failed, cancelled, pending) are dark grey. A header band
 * names each block's target and each generated column's mode; a band under each row names its
 * source (gridLabels.ts draws the text).
 */
import sharp, { type OverlayOptions } from 'sharp';
import { drawLabel, fitLabel, glyphHeight } from './gridLabels';

/** What the labels say: the source of each row, the target of each block (null: slider codes), the mode sets. */
export interface GridLabels {
  sources: string[];
  targets: (string | null)[];
  modes: string[];
}

/** Font pixels per glyph pixel: larger tiles get larger text. */
export function labelScale(tile: number): number {
  return tile >= 192 ? 2 : 1;
}

/** Height of the header band and of each row's name band. */
export function labelBand(tile: number): number {
  return glyphHeight * labelScale(tile) + 6;
}

/** Pixels between tiles and between blocks. */
export const tileGap = 2;
export const blockGap = 8;

/** The grid's pixel size for a job's shape. */
export function gridSize(sources: number, targets: number, modeSets: number, tile: number): { width: number; height: number } {
  const blockWidth = (2 + modeSets) * tile + (1 + modeSets) * tileGap;
  const band = labelBand(tile);
  return { width: targets * blockWidth + (targets - 1) * blockGap, height: band + sources * (tile + band) + (sources - 1) * blockGap };
}

/** Where a tile goes: row = source index, block = target index, slot 0 source, 1 target, 2+k mode set k. */
export function tileOrigin(row: number, block: number, slot: number, modeSets: number, tile: number): { left: number; top: number } {
  const blockWidth = (2 + modeSets) * tile + (1 + modeSets) * tileGap;
  const band = labelBand(tile);
  return { left: block * (blockWidth + blockGap) + slot * (tile + tileGap), top: band + row * (tile + band + blockGap) };
}

/** Composes PNG tiles into the grid PNG. `tiles(row, block, slot)` gives a tile's PNG or null; `labels` names rows and columns. */
export async function composeGrid(
  shape: { sources: number; targets: number; modeSets: number; tile: number },
  tiles: (row: number, block: number, slot: number) => Promise<Buffer | null>,
  labels?: GridLabels,
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
  const composed = sharp({ create: { width, height, channels: 3, background: { r: 16, g: 17, b: 20 } } }).composite(layers);
  if (!labels) return { png: await composed.png().toBuffer(), width, height };
  const rgb = await sharp(await composed.png().toBuffer()).removeAlpha().raw().toBuffer();
  drawGridLabels(rgb, width, height, shape, labels);
  const png = await sharp(rgb, { raw: { width, height, channels: 3 } }).png().toBuffer();
  return { png, width, height };
}

/** Header: over each block's source/target tiles the target's name, over each generated tile its mode; under each row its source's name. */
function drawGridLabels(rgb: Buffer, width: number, height: number, shape: { sources: number; targets: number; modeSets: number; tile: number }, labels: GridLabels): void {
  const { tile } = shape;
  const scale = labelScale(tile);
  const text: [number, number, number] = [222, 224, 228];
  const muted: [number, number, number] = [150, 154, 162];
  for (let block = 0; block < shape.targets; block++) {
    const origin = tileOrigin(0, block, 0, shape.modeSets, tile);
    const target = labels.targets[block];
    const room = 2 * tile + tileGap;
    const long = target === null || target === undefined ? 'slider codes' : `target: ${target}`;
    // the name matters more than the word: drop "target:" before cutting the name
    const title = fitLabel(long, room, scale) === long || target === null || target === undefined ? long : target;
    drawLabel(rgb, width, height, fitLabel(title, room, scale), origin.left, 3, muted, scale);
    for (let k = 0; k < shape.modeSets; k++) {
      const at = tileOrigin(0, block, 2 + k, shape.modeSets, tile);
      drawLabel(rgb, width, height, fitLabel(labels.modes[k] ?? '', tile, scale), at.left, 3, text, scale);
    }
  }
  const rowWidth = width;
  for (let row = 0; row < shape.sources; row++) {
    const at = tileOrigin(row, 0, 0, shape.modeSets, tile);
    drawLabel(rgb, width, height, fitLabel(`source: ${labels.sources[row] ?? ''}`, rowWidth, scale), at.left, at.top + tile + 3, text, scale);
  }
}
