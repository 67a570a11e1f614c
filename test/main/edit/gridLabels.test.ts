import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { composeGrid, gridSize, labelBand, tileOrigin } from '../../../src/main/edit/grid';
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

  it('names targets and modes in the header and each source under its row of the PNG', async () => {
    const tile = 64;
    const shape = { sources: 2, targets: 1, modeSets: 2, tile };
    const tiles = () => tilePng(40, tile);
    const labelled = await composeGrid(shape, tiles, { sources: ['alice.png', 'bob.png'], targets: ['carol.png'], modes: ['exp', 'pose'] });
    const bare = await composeGrid(shape, tiles);
    expect({ width: labelled.width, height: labelled.height }).toEqual(gridSize(2, 1, 2, tile));
    const raw = async (png: Buffer) => sharp(png).removeAlpha().raw().toBuffer();
    const [a, b] = [await raw(labelled.png), await raw(bare.png)];
    const band = labelBand(tile);
    const header = (slot: number, span = 1) => ({ left: tileOrigin(0, 0, slot, 2, tile).left, top: 0, width: span * tile, height: band });
    expect(bright(a, labelled.width, header(0, 2))).toBeGreaterThan(20); // "target: carol.png"
    expect(bright(a, labelled.width, header(2))).toBeGreaterThan(10); // "exp"
    expect(bright(a, labelled.width, header(3))).toBeGreaterThan(10); // "pose"
    for (const row of [0, 1]) {
      const under = tileOrigin(row, 0, 0, 2, tile);
      expect(bright(a, labelled.width, { left: under.left, top: under.top + tile, width: labelled.width, height: band })).toBeGreaterThan(20);
      expect(bright(b, bare.width, { left: under.left, top: under.top + tile, width: bare.width, height: band })).toBe(0);
    }
    // the tiles themselves are untouched by the labels
    const t = tileOrigin(1, 0, 3, 2, tile);
    expect(bright(a, labelled.width, { left: t.left, top: t.top, width: tile, height: tile })).toBe(0);
  });
});
