import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { composeGrid, displayTile, gridSize, labelBand, legendLines, tileOrigin } from '../../../src/main/edit/grid';
import { drawLabel, fitLabel, glyphHeight, glyphWidth } from '../../../src/main/edit/gridLabels';

const tilePng = (v: number, tile: number) => sharp({ create: { width: tile, height: tile, channels: 3, background: { r: v, g: v, b: v } } }).png().toBuffer();

/** Bright pixels (text) in a region of a raw RGB image. */
function bright(rgb: Buffer, width: number, region: { left: number; top: number; width: number; height: number }): number {
  let n = 0;
  for (let y = region.top; y < region.top + region.height; y++) for (let x = region.left; x < region.left + region.width; x++) if (rgb[(y * width + x) * 3] > 120) n++;
  return n;
}

describe('grid labels', () => {
  it('fits text to a width, ASCII only', () => {
    expect(fitLabel('exp', 64)).toBe('exp');
    expect(fitLabel('demo-face-01.png', 64)).toBe('demo-f..');
    expect(fitLabel('façade', 80)).toBe('fa?ade');
    expect(fitLabel('abcdef', 64, 2)).toBe('ab..');
  });

  it('draws glyphs as pixels, and different text differently', () => {
    const draw = (text: string) => {
      const rgb = Buffer.alloc(40 * glyphHeight * 3);
      drawLabel(rgb, 40, glyphHeight, text, 0, 0, [255, 255, 255]);
      return rgb;
    };
    expect(bright(draw('A'), 40, { left: 0, top: 0, width: glyphWidth, height: glyphHeight })).toBeGreaterThan(8);
    expect(bright(draw(' '), 40, { left: 0, top: 0, width: 40, height: glyphHeight })).toBe(0);
    expect(draw('exp').equals(draw('pos'))).toBe(false);
  });

  it('upscales small results by whole pixels to at least 128 px', () => {
    expect([displayTile(16), displayTile(64), displayTile(100), displayTile(128), displayTile(256)]).toEqual([128, 128, 200, 128, 256]);
  });

  it('numbers targets and sources, names modes, prints scores when asked and a legend with every full name', async () => {
    const tile = 128;
    const shape = { sources: 2, targets: 1, modeSets: 2, tile };
    const tiles = () => tilePng(40, tile);
    const labels = { sources: ['alice-with-a-very-long-generated-file-name-01.png', 'bob.png'], targets: ['carol.png'], modes: ['exp', 'pose'], scores: () => ['id 0.50', 'emo 0.25', 'lmk 2.0px'] };
    const labelled = await composeGrid(shape, tiles, labels);
    const scored = await composeGrid({ ...shape, scores: true }, tiles, labels);
    const bare = await composeGrid(shape, tiles);
    expect({ width: labelled.width, height: labelled.height }).toEqual(gridSize(2, 1, 2, tile, { legend: true }));
    expect({ width: scored.width, height: scored.height }).toEqual(gridSize(2, 1, 2, tile, { legend: true, scores: true }));
    expect({ width: bare.width, height: bare.height }).toEqual(gridSize(2, 1, 2, tile, { legend: false }));
    // what the exported PNG of 64-px results measures: 128-px tiles and the legend
    expect(gridSize(2, 1, 2, 64)).toEqual({ width: labelled.width, height: labelled.height });
    expect(legendLines(labels)).toEqual(['S1 = alice-with-a-very-long-generated-file-name-01.png', 'S2 = bob.png', 'T1 = carol.png']);
    const raw = async (png: Buffer) => sharp(png).removeAlpha().raw().toBuffer();
    const [a, b, c] = [await raw(labelled.png), await raw(bare.png), await raw(scored.png)];
    const band = labelBand(tile);
    const header = (slot: number, span = 1) => ({ left: tileOrigin(0, 0, slot, 2, tile).left, top: 0, width: span * tile, height: band });
    expect(bright(a, labelled.width, header(0, 2))).toBeGreaterThan(20); // "T1 carol.png"
    expect(bright(a, labelled.width, header(2))).toBeGreaterThan(10); // "exp"
    expect(bright(a, labelled.width, header(3))).toBeGreaterThan(10); // "pose"
    for (const row of [0, 1]) {
      const under = tileOrigin(row, 0, 0, 2, tile);
      expect(bright(a, labelled.width, { left: under.left, top: under.top + tile, width: labelled.width, height: band })).toBeGreaterThan(20);
      expect(bright(b, bare.width, { left: under.left, top: under.top + tile, width: bare.width, height: band })).toBe(0);
      // score lines under the generated tiles only when asked
      const cell = tileOrigin(row, 0, 2, 2, tile, { scores: true });
      expect(bright(c, scored.width, { left: cell.left, top: cell.top + tile, width: tile, height: 3 * band })).toBeGreaterThan(20);
    }
    // the legend: three lines under the last row, each with text
    for (let line = 0; line < 3; line++) {
      expect(bright(a, labelled.width, { left: 0, top: labelled.height - (3 - line) * band, width: labelled.width, height: band })).toBeGreaterThan(20);
    }
    expect(bright(b, bare.width, { left: 0, top: bare.height - band, width: bare.width, height: band })).toBe(0);
    // the tiles themselves are untouched by the labels
    const t = tileOrigin(1, 0, 3, 2, tile);
    expect(bright(a, labelled.width, { left: t.left, top: t.top, width: tile, height: tile })).toBe(0);
  });
});
