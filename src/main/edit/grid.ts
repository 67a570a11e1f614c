/**
 * The comparison grid as one image: a row per source, and per target a block of tiles
 * source | target | generated (one generated tile per mode set, in the job's order). Tiles are
 * at least 128 px (a 64-px model's images are upscaled by whole pixels, so nothing is blurred or
 * invented); missing results (failed, cancelled, pending) are dark grey. Sources and targets are
 * numbered: a header band names each block's target (T1, T2, …) and each generated column's
 * mode, a band under each row names its source (S1, S2, …), optional score lines sit under the
 * generated tiles, and a legend at the bottom gives every number's full file name, so the PNG
 * reads on its own even when a name is too long for its column (gridLabels.ts draws the text).
 */
import sharp, { type OverlayOptions } from 'sharp';
import { drawLabel, fitLabel, glyphHeight } from './gridLabels';

/** What the labels say: the source of each row, the target of each block (null: slider codes), the mode sets, and optionally up to three score lines per generated tile. */
export interface GridLabels {
  sources: string[];
  targets: (string | null)[];
  modes: string[];
  /** Score lines under generated tile `modeIndex` of (row, block); null: none. Only drawn when the shape asks for scores. */
  scores?: (row: number, block: number, modeIndex: number) => string[] | null;
}

/** The grid's shape: counts, the tile size in the PNG, and whether score lines and the legend are drawn. */
export interface GridShape {
  sources: number;
  targets: number;
  modeSets: number;
  tile: number;
  scores?: boolean;
  legend?: boolean;
}

/** The smallest tile of an exported grid: 64-px results are too small to judge. */
export const minimumTile = 128;

/** The tile size for results of `imageSize` px: whole multiples of it up to at least `minimumTile`. */
export function displayTile(imageSize: number): number {
  return imageSize >= minimumTile ? imageSize : imageSize * Math.ceil(minimumTile / imageSize);
}

/** Font pixels per glyph pixel: larger tiles get larger text. */
export function labelScale(tile: number): number {
  return tile >= 192 ? 2 : 1;
}

/** Height of one line of label text (the header band, each row's name band, each score and legend line). */
export function labelBand(tile: number): number {
  return glyphHeight * labelScale(tile) + 6;
}

/** Pixels between tiles and between blocks. */
export const tileGap = 2;
export const blockGap = 8;
/** Score lines under each generated tile. */
export const scoreLines = 3;

function rowHeight(shape: GridShape): number {
  const band = labelBand(shape.tile);
  return shape.tile + (shape.scores ? scoreLines * band : 0) + band;
}

function legendHeight(shape: GridShape): number {
  return shape.legend ? blockGap + (shape.sources + shape.targets) * labelBand(shape.tile) : 0;
}

/**
 * The exported grid's pixel size for a job's shape and its results' `imageSize`: tiles of
 * displayTile(imageSize), the legend (unless `legend` is false: a grid composed without labels)
 * and score lines when asked.
 */
export function gridSize(sources: number, targets: number, modeSets: number, imageSize: number, options: { scores?: boolean; legend?: boolean } = {}): { width: number; height: number } {
  const tile = displayTile(imageSize);
  const shape: GridShape = { sources, targets, modeSets, tile, legend: options.legend ?? true, scores: options.scores ?? false };
  const blockWidth = (2 + modeSets) * tile + (1 + modeSets) * tileGap;
  return {
    width: targets * blockWidth + (targets - 1) * blockGap,
    height: labelBand(tile) + sources * rowHeight(shape) + (sources - 1) * blockGap + legendHeight(shape),
  };
}

/** Where a tile goes: row = source index, block = target index, slot 0 source, 1 target, 2+k mode set k. */
export function tileOrigin(row: number, block: number, slot: number, modeSets: number, tile: number, options: { scores?: boolean } = {}): { left: number; top: number } {
  const blockWidth = (2 + modeSets) * tile + (1 + modeSets) * tileGap;
  const shape: GridShape = { sources: 0, targets: 0, modeSets, tile, ...options };
  return { left: block * (blockWidth + blockGap) + slot * (tile + tileGap), top: labelBand(tile) + row * (rowHeight(shape) + blockGap) };
}

/** One tile at the grid's size: whole-pixel upscaling when the size is a multiple, else a resize. */
async function fitTile(input: Buffer, tile: number): Promise<Buffer> {
  const { width, height } = await sharp(input).metadata();
  const whole = width === height && width !== undefined && tile > width && tile % width === 0;
  return sharp(input).resize(tile, tile, { fit: 'cover', kernel: whole ? 'nearest' : 'lanczos3' }).removeAlpha().png().toBuffer();
}

/** Composes PNG tiles into the grid PNG. `tiles(row, block, slot)` gives a tile's PNG or null; `labels` names rows and columns (and adds the legend). */
export async function composeGrid(
  shape: GridShape,
  tiles: (row: number, block: number, slot: number) => Promise<Buffer | null>,
  labels?: GridLabels,
): Promise<{ png: Buffer; width: number; height: number }> {
  const full: GridShape = { ...shape, legend: labels !== undefined, scores: labels !== undefined && shape.scores === true };
  const { width, height } = gridSize(full.sources, full.targets, full.modeSets, full.tile, { legend: full.legend, scores: full.scores });
  const layers: OverlayOptions[] = [];
  const missing = await sharp({ create: { width: shape.tile, height: shape.tile, channels: 3, background: { r: 48, g: 48, b: 52 } } }).png().toBuffer();
  for (let row = 0; row < shape.sources; row++) {
    for (let block = 0; block < shape.targets; block++) {
      for (let slot = 0; slot < 2 + shape.modeSets; slot++) {
        const input = (await tiles(row, block, slot)) ?? missing;
        layers.push({ input: await fitTile(input, shape.tile), ...tileOrigin(row, block, slot, shape.modeSets, shape.tile, full) });
      }
    }
  }
  const composed = sharp({ create: { width, height, channels: 3, background: { r: 16, g: 17, b: 20 } } }).composite(layers);
  if (!labels) return { png: await composed.png().toBuffer(), width, height };
  const rgb = await sharp(await composed.png().toBuffer()).removeAlpha().raw().toBuffer();
  drawGridLabels(rgb, width, height, full, labels);
  const png = await sharp(rgb, { raw: { width, height, channels: 3 } }).png().toBuffer();
  return { png, width, height };
}

/** The legend's lines: every source and target number with its full name. */
export function legendLines(labels: GridLabels): string[] {
  return [...labels.sources.map((name, k) => `S${k + 1} = ${name}`), ...labels.targets.map((name, k) => `T${k + 1} = ${name ?? 'slider codes'}`)];
}

/** Header: over each block's source/target tiles its target's number and name, over each generated tile its mode; under each row its source; score lines; the legend. */
function drawGridLabels(rgb: Buffer, width: number, height: number, shape: GridShape, labels: GridLabels): void {
  const { tile } = shape;
  const scale = labelScale(tile);
  const band = labelBand(tile);
  const text: [number, number, number] = [222, 224, 228];
  const muted: [number, number, number] = [150, 154, 162];
  for (let block = 0; block < shape.targets; block++) {
    const origin = tileOrigin(0, block, 0, shape.modeSets, tile, shape);
    const target = labels.targets[block];
    drawLabel(rgb, width, height, fitLabel(`T${block + 1} ${target ?? 'slider codes'}`, 2 * tile + tileGap, scale), origin.left, 3, muted, scale);
    for (let k = 0; k < shape.modeSets; k++) {
      const at = tileOrigin(0, block, 2 + k, shape.modeSets, tile, shape);
      drawLabel(rgb, width, height, fitLabel(labels.modes[k] ?? '', tile, scale), at.left, 3, text, scale);
    }
  }
  for (let row = 0; row < shape.sources; row++) {
    const at = tileOrigin(row, 0, 0, shape.modeSets, tile, shape);
    let top = at.top + tile + 3;
    if (shape.scores) {
      for (let block = 0; block < shape.targets; block++) {
        for (let k = 0; k < shape.modeSets; k++) {
          const cell = tileOrigin(row, block, 2 + k, shape.modeSets, tile, shape);
          (labels.scores?.(row, block, k) ?? []).slice(0, scoreLines).forEach((line, n) => drawLabel(rgb, width, height, fitLabel(line, tile, scale), cell.left, top + n * band, muted, scale));
        }
      }
      top += scoreLines * band;
    }
    drawLabel(rgb, width, height, fitLabel(`S${row + 1} ${labels.sources[row] ?? ''}`, width, scale), at.left, top, text, scale);
  }
  const legendTop = height - (shape.sources + shape.targets) * band;
  legendLines(labels).forEach((line, n) => drawLabel(rgb, width, height, fitLabel(line, width, scale), 0, legendTop + n * band + 3, muted, scale));
}
