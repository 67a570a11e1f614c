import { describe, expect, it } from 'vitest';
import { createHeadGeometry, drawableLayout, writeDrawable } from '../../../src/renderer/src/viewport/rig/headGeometry';

describe('drawable head layout', () => {
  // Two triangles sharing the edge 1–2, with a UV seam: vertex 2 has different UVs in each.
  const faces = Uint32Array.from([0, 1, 2, 2, 1, 3]);
  const uv = { coords: Float32Array.from([0, 0, 1, 0, 0, 1, 1, 1, 0.5, 0.5]), faces: Uint32Array.from([0, 1, 2, 4, 1, 3]) };

  it('splits vertices at UV seams and maps each back to its model vertex', () => {
    const layout = drawableLayout(faces, 4, uv);
    expect(layout.modelIndex.length).toBe(5);
    expect(Array.from(layout.modelIndex)).toEqual([0, 1, 2, 2, 3]);
    expect(Array.from(layout.uvs!.slice(6, 8))).toEqual([0.5, 0.5]);
    // Triangles still reach the same model vertices.
    expect(Array.from(layout.index, (i) => layout.modelIndex[i])).toEqual(Array.from(faces));
  });

  it('without UVs the drawable mesh is the model mesh', () => {
    const layout = drawableLayout(faces, 4, null);
    expect(Array.from(layout.index)).toEqual(Array.from(faces));
    expect(layout.uvs).toBeNull();
  });

  it('rejects faces that point outside the model', () => {
    expect(() => drawableLayout(Uint32Array.from([0, 1, 9]), 4, { coords: new Float32Array(6), faces: Uint32Array.from([0, 1, 2]) })).toThrow(/vertex 9/);
  });

  it('updates positions in place through the map', () => {
    const layout = drawableLayout(faces, 4, uv);
    const geometry = createHeadGeometry(layout);
    const target = geometry.getAttribute('position').array as Float32Array;
    const before = target;
    const vertices = Float32Array.from([0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 1, 0]);
    writeDrawable(target, vertices, layout.modelIndex);
    expect(geometry.getAttribute('position').array).toBe(before);
    expect(Array.from(target.slice(9, 12))).toEqual([0, 1, 0]);
    expect(Array.from(target.slice(12, 15))).toEqual([1, 1, 0]);
  });
});
