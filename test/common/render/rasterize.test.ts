import { describe, expect, it } from 'vitest';
import { createDecaBuffers, renderDecaBuffers, sampleTexture, toPlanar } from '../../../src/common/render/decaBuffers';
import { createFragments, rasterize } from '../../../src/common/render/rasterize';

const white = (() => {
  // SH light giving shading exactly 1 everywhere: only the constant band, 1/c0 = √(4π).
  const light = new Float64Array(27);
  light[0] = light[1] = light[2] = Math.sqrt(4 * Math.PI);
  return light;
})();

describe('rasteriser: a textured plane', () => {
  // A square whose pixel-space edges sit exactly on pixel centres 16.5 and 48.5 of a 64² image.
  const low = 16.5 / 32 - 1;
  const high = 48.5 / 32 - 1;
  const projected = [low, low, 0.5, high, low, 0.5, high, high, 0.5, low, high, 0.5];
  const normals = [0, 0, -1, 0, 0, -1, 0, 0, -1, 0, 0, -1];
  const faces = Uint32Array.from([0, 1, 2, 0, 2, 3]);
  // u right; v up, so the image's top edge (y = low) is v = 1.
  const uv = { coords: Float32Array.from([0, 1, 1, 1, 1, 0, 0, 0]), faces: Uint32Array.from([0, 1, 2, 0, 2, 3]) };
  // 4×4 texture, texel (row r, column c) = (c/3, r/3, 0.5).
  const texture = { width: 4, height: 4, data: new Float32Array(48) };
  for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) texture.data.set([c / 3, r / 3, 0.5], (r * 4 + c) * 3);

  it('covers exactly the pixels whose centres lie inside (edges included)', () => {
    const fragments = createFragments(64);
    expect(rasterize(projected, faces, fragments)).toBe(33 * 33);
    for (let j = 0; j < 64; j++) {
      for (let i = 0; i < 64; i++) {
        const inside = i >= 16 && i <= 48 && j >= 16 && j <= 48;
        expect(fragments.face[j * 64 + i] >= 0, `pixel ${i},${j}`).toBe(inside);
      }
    }
  });

  it('samples the texture at texel centres exactly and keeps normals unit length', () => {
    const buffers = renderDecaBuffers({ projected, normals, faces, light: white, uv, texture }, createDecaBuffers(64));
    for (let r = 0; r < 4; r++) {
      for (let c = 0; c < 4; c++) {
        // Texel (r, c) centre: u = (c + 0.5)/4 → pixel x 20.5 + 8c; row r from the top → pixel y 20.5 + 8r.
        const p = (20 + 8 * r) * 64 + (20 + 8 * c);
        expect(buffers.mask[p]).toBe(1);
        expect(buffers.albedo[p * 3]).toBeCloseTo(c / 3, 5);
        expect(buffers.albedo[p * 3 + 1]).toBeCloseTo(r / 3, 5);
        expect(buffers.albedo[p * 3 + 2]).toBeCloseTo(0.5, 5);
        // Shading is 1 under this light, so rendered = albedo.
        expect(buffers.rendered[p * 3]).toBeCloseTo(c / 3, 5);
      }
    }
    for (let p = 0; p < 64 * 64; p++) {
      const n = Math.hypot(buffers.normal[p * 3], buffers.normal[p * 3 + 1], buffers.normal[p * 3 + 2]);
      expect(n).toBeCloseTo(buffers.mask[p], 6);
      if (!buffers.mask[p]) {
        expect([buffers.albedo[p * 3], buffers.rendered[p * 3], buffers.depth[p]]).toEqual([0, 0, 0]);
      } else {
        expect(buffers.depth[p]).toBeCloseTo(0.5, 6);
      }
    }
  });

  it('interpolates between texels bilinearly with zero padding outside', () => {
    const out = new Float32Array(3);
    sampleTexture(texture, 0.25, 0.875, out, 0); // halfway between columns 0 and 1, row 0
    expect(out[0]).toBeCloseTo(1 / 6, 6);
    sampleTexture(texture, 0, 0.875, out, 0); // half of column 0, half of the zero padding
    expect(out[2]).toBeCloseTo(0.25, 6);
  });

  it('converts interleaved images to planar', () => {
    expect(Array.from(toPlanar(Float32Array.from([1, 2, 3, 4, 5, 6]), 2, 1, 3))).toEqual([1, 4, 2, 5, 3, 6]);
  });
});

describe('rasteriser: depth order', () => {
  it('keeps the nearer of two overlapping squares whichever is drawn first', () => {
    const square = (z: number) => [-0.5, -0.5, z, 0.5, -0.5, z, 0.5, 0.5, z, -0.5, 0.5, z];
    const positions = [...square(2), ...square(1)];
    for (const faces of [[0, 1, 2, 0, 2, 3, 4, 5, 6, 4, 6, 7], [4, 5, 6, 4, 6, 7, 0, 1, 2, 0, 2, 3]]) {
      const fragments = createFragments(32);
      rasterize(positions, faces, fragments);
      const centre = 16 * 32 + 16;
      expect(fragments.depth[centre]).toBe(1);
      // The winning face belongs to the nearer square (vertices 4–7).
      expect(faces[fragments.face[centre] * 3]).toBe(4);
    }
  });
});

describe('rasteriser: a rotated cube', () => {
  // Unit cube [−0.4, 0.4]³ with one vertex per face corner (flat normals), rotated about x and y.
  const half = 0.4;
  const axes = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
  const rotate = (p: number[]): number[] => {
    const [ay, ax] = [0.6, 0.45];
    const x1 = Math.cos(ay) * p[0] + Math.sin(ay) * p[2];
    const z1 = -Math.sin(ay) * p[0] + Math.cos(ay) * p[2];
    return [x1, Math.cos(ax) * p[1] - Math.sin(ax) * z1, Math.sin(ax) * p[1] + Math.cos(ax) * z1];
  };
  const positions: number[] = [];
  const normals: number[] = [];
  const faces: number[] = [];
  for (const axis of axes) {
    for (const sign of [-1, 1]) {
      const n = axis.map((a) => a * sign);
      const k = axis.indexOf(1);
      const [u, w] = [(k + 1) % 3, (k + 2) % 3];
      const base = positions.length / 3;
      for (const [su, sw] of [[-1, -1], [1, -1], [1, 1], [-1, 1]]) {
        const p = [0, 0, 0];
        p[k] = sign * half; p[u] = su * half; p[w] = sw * half;
        positions.push(...rotate(p));
        normals.push(...rotate(n));
      }
      faces.push(base, base + 1, base + 2, base, base + 2, base + 3);
    }
  }
  const light = new Float64Array(27);
  light[0] = light[1] = light[2] = 1;

  /** Nearest z along the viewing ray through (x, y) by slab intersection in cube space. */
  const nearestZ = (x: number, y: number): number | null => {
    // Inverse rotation of a point and of the ray direction (0, 0, 1).
    const inverse = (p: number[]): number[] => {
      const [ay, ax] = [0.6, 0.45];
      const y1 = Math.cos(ax) * p[1] + Math.sin(ax) * p[2];
      const z1 = -Math.sin(ax) * p[1] + Math.cos(ax) * p[2];
      return [Math.cos(ay) * p[0] - Math.sin(ay) * z1, y1, Math.sin(ay) * p[0] + Math.cos(ay) * z1];
    };
    const origin = inverse([x, y, 0]);
    const direction = inverse([0, 0, 1]);
    let near = -Infinity, far = Infinity;
    for (let k = 0; k < 3; k++) {
      const t1 = (-half - origin[k]) / direction[k];
      const t2 = (half - origin[k]) / direction[k];
      near = Math.max(near, Math.min(t1, t2));
      far = Math.min(far, Math.max(t1, t2));
    }
    return near <= far ? near : null;
  };

  it('covers the silhouette, shows only camera-facing faces with unit normals, at the nearest depth', () => {
    const size = 96;
    const buffers = renderDecaBuffers({ projected: positions, normals, faces, light }, createDecaBuffers(size));
    let covered = 0, agreeing = 0;
    for (let j = 0; j < size; j++) {
      for (let i = 0; i < size; i++) {
        const p = j * size + i;
        const x = -1 + (2 * i + 1) / size, y = -1 + (2 * j + 1) / size;
        const z = nearestZ(x, y);
        if (buffers.mask[p]) {
          covered++;
          if (z !== null) agreeing++;
          const n = [buffers.normal[p * 3], buffers.normal[p * 3 + 1], buffers.normal[p * 3 + 2]];
          expect(Math.hypot(...n)).toBeCloseTo(1, 5);
          // Smaller z is nearer, so visible faces point towards −z.
          expect(n[2]).toBeLessThan(0);
          if (z !== null) expect(buffers.depth[p]).toBeCloseTo(z, 5);
        } else if (z !== null) {
          // Only silhouette-grazing rays may miss.
          expect(Math.abs(nearestZ(x + 2 / size, y) === null ? 0 : 1) + Math.abs(nearestZ(x - 2 / size, y) === null ? 0 : 1)
            + Math.abs(nearestZ(x, y + 2 / size) === null ? 0 : 1) + Math.abs(nearestZ(x, y - 2 / size) === null ? 0 : 1)).toBeLessThan(4);
        }
      }
    }
    expect(covered).toBeGreaterThan(1000);
    expect(agreeing / covered).toBeGreaterThan(0.99);
  });
});
