/**
 * The comparison grid as one image: a row per source, and per target a block of tiles
 * source | target | generated (one generated tile per mode set, in the job's order, and per
 * model run within each mode set when the job compares several models or samplers). Tiles are
 * at least 128 px (a 64-px model's images are upscaled by whole pixels, so nothing is blurred or
 * invented); missing results (failed, cancelled, pending) are dark grey. Sources and targets are
 * numbered: a header band names each block's target (T1, T2, …) and each generated column's
 * mode (with several runs also its run's model, R1, R2, …, and sampler), a band under each row
 * names its source (S1, S2, …), optional score lines sit under the
 * generated tiles, and a legend at the bottom gives every number's full file name, so the PNG
 * reads on its own even when a name is too long for its column (gridLabels.ts draws the text).
 */
import sharp, { type OverlayOptions } from 'sharp';
import { drawLabel, fitLabel, glyphHeight } from './gridLabels';

/** What the labels say: the source of each row, the target of each block (null: slider codes), the mode sets, the model runs, and optionally up to three score lines per generated tile. */
export interface GridLabels {
  sources: string[];
  targets: (string | null)[];
  modes: string[];
  /** The model runs (model name, sampler such as 'DDIM 20'), when the job has several: each mode's column has a tile per run. */
  runs?: { model: string; sampler: string }[];
  /** Score lines under generated tile `column` (mode set × runs + run) of (row, block); null: none. Only drawn when the shape asks for scores. */
  scores?: (row: number, block: number, column: number) => string[] | null;
}

/** The grid's shape: counts, the tile size in the PNG, and whether score lines and the legend are drawn. */
export interface GridShape {
  sources: number;
  targets: number;
  modeSets: number;
  /** Model runs: a generated tile per run for each mode set (default 1). */
  runs?: number;
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

/** Generated tiles per block: one per mode set and model run. */
function columns(shape: Pick<GridShape, 'modeSets' | 'runs'>): number {
  return shape.modeSets * (shape.runs ?? 1);
}

/** The header band: the mode line, and with several runs the model and sampler lines under it. */
function headerHeight(shape: Pick<GridShape, 'runs' | 'tile'>): number {
  return labelBand(shape.tile) * ((shape.runs ?? 1) > 1 ? 3 : 1);
}

function rowHeight(shape: GridShape): number {
  const band = labelBand(shape.tile);
  return shape.tile + (shape.scores ? scoreLines * band : 0) + band;
}

function legendHeight(shape: GridShape): number {
  return shape.legend ? blockGap + legendCount(shape) * labelBand(shape.tile) : 0;
}

/** Lines of the legend: sources, targets, and the runs when there are several. */
function legendCount(shape: GridShape): number {
  const runs = shape.runs ?? 1;
  return shape.sources + shape.targets + (runs > 1 ? runs : 0);
}

/**
 * The exported grid's pixel size for a job's shape and its results' `imageSize`: tiles of
 * displayTile(imageSize), the legend (unless `legend` is false: a grid composed without labels)
 * and score lines when asked.
 */
export function gridSize(sources: number, targets: number, modeSets: number, imageSize: number, options: { scores?: boolean; legend?: boolean; runs?: number } = {}): { width: number; height: number } {
  const tile = displayTile(imageSize);
  const shape: GridShape = { sources, targets, modeSets, runs: options.runs ?? 1, tile, legend: options.legend ?? true, scores: options.scores ?? false };
  const generated = columns(shape);
  const blockWidth = (2 + generated) * tile + (1 + generated) * tileGap;
  return {
    width: targets * blockWidth + (targets - 1) * blockGap,
    height: headerHeight(shape) + sources * rowHeight(shape) + (sources - 1) * blockGap + legendHeight(shape),
  };
}

/** Where a tile goes: row = source index, block = target index, slot 0 source, 1 target, 2+k generated tile k (mode set k / runs, run k % runs). */
export function tileOrigin(row: number, block: number, slot: number, modeSets: number, tile: number, options: { scores?: boolean; runs?: number } = {}): { left: number; top: number } {
  const shape: GridShape = { sources: 0, targets: 0, modeSets, tile, ...options };
  const generated = columns(shape);
  const blockWidth = (2 + generated) * tile + (1 + generated) * tileGap;
  return { left: block * (blockWidth + blockGap) + slot * (tile + tileGap), top: headerHeight(shape) + row * (rowHeight(shape) + blockGap) };
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
  const { width, height } = gridSize(full.sources, full.targets, full.modeSets, full.tile, { legend: full.legend, scores: full.scores, runs: full.runs });
  const layers: OverlayOptions[] = [];
  const missing = await sharp({ create: { width: shape.tile, height: shape.tile, channels: 3, background: { r: 48, g: 48, b: 52 } } }).png().toBuffer();
  for (let row = 0; row < shape.sources; row++) {
    for (let block = 0; block < shape.targets; block++) {
      for (let slot = 0; slot < 2 + columns(shape); slot++) {
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

/** The legend's lines: every source and target number with its full name, and with several model runs each run's model and sampler. */
export function legendLines(labels: GridLabels): string[] {
  const runs = labels.runs && labels.runs.length > 1 ? labels.runs.map((run, k) => `R${k + 1} = ${run.model}, ${run.sampler}`) : [];
  return [...labels.sources.map((name, k) => `S${k + 1} = ${name}`), ...labels.targets.map((name, k) => `T${k + 1} = ${name ?? 'slider codes'}`), ...runs];
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
    const runs = shape.runs ?? 1;
    for (let k = 0; k < columns(shape); k++) {
      const at = tileOrigin(0, block, 2 + k, shape.modeSets, tile, shape);
      drawLabel(rgb, width, height, fitLabel(labels.modes[Math.floor(k / runs)] ?? '', tile, scale), at.left, 3, text, scale);
      const run = runs > 1 ? labels.runs?.[k % runs] : undefined;
      if (run) {
        drawLabel(rgb, width, height, fitLabel(`R${(k % runs) + 1} ${run.model}`, tile, scale), at.left, band + 3, muted, scale);
        drawLabel(rgb, width, height, fitLabel(run.sampler, tile, scale), at.left, 2 * band + 3, muted, scale);
      }
    }
  }
  for (let row = 0; row < shape.sources; row++) {
    const at = tileOrigin(row, 0, 0, shape.modeSets, tile, shape);
    let top = at.top + tile + 3;
    if (shape.scores) {
      for (let block = 0; block < shape.targets; block++) {
        for (let k = 0; k < columns(shape); k++) {
          const cell = tileOrigin(row, block, 2 + k, shape.modeSets, tile, shape);
          (labels.scores?.(row, block, k) ?? []).slice(0, scoreLines).forEach((line, n) => drawLabel(rgb, width, height, fitLabel(line, tile, scale), cell.left, top + n * band, muted, scale));
        }
      }
      top += scoreLines * band;
    }
    drawLabel(rgb, width, height, fitLabel(`S${row + 1} ${labels.sources[row] ?? ''}`, width, scale), at.left, top, text, scale);
  }
  const legendTop = height - legendCount(shape) * band;
  legendLines(labels).forEach((line, n) => drawLabel(rgb, width, height, fitLabel(line, width, scale), 0, legendTop + n * band + 3, muted, scale));
}
