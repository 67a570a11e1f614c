import { describe, expect, it } from 'vitest';
import { parseObj } from '../../../src/main/io/obj';

describe('.obj reader', () => {
  it('reads v, vt and v/vt/vn faces, fans polygons and resolves negative indices', () => {
    const mesh = parseObj(['v 0 0 0', 'v 1 0 0', 'v 1 1 0', 'v 0 1 0', 'vt 0 0', 'vt 1 0', 'vt 1 1', 'vt 0 1', 'vn 0 0 1', 'f 1/1/1 2/2/1 3/3/1 4/4/1', 'f -4/-4 -2/-2 -1/-1'].join('\n'));
    expect(mesh.vertices.length).toBe(12);
    expect(Array.from(mesh.faces)).toEqual([0, 1, 2, 0, 2, 3, 0, 2, 3]);
    expect(Array.from(mesh.uvFaces!)).toEqual([0, 1, 2, 0, 2, 3, 0, 2, 3]);
  });

  it('reports bad lines with the file name and line number', () => {
    expect(() => parseObj('v 0 0\n', 'a.obj')).toThrow(/a.obj:1: expected 3 numbers/);
    expect(() => parseObj('v 0 0 0\nf 1 2 3\n', 'b.obj')).toThrow(/b.obj:2: vertex index 2 out of range/);
    expect(() => parseObj('v 0 0 0\nv 0 0 0\nv 0 0 0\nvt 0 0\nf 1/1 2/1 3/1\nf 1 2 3\n', 'c.obj')).toThrow(/c.obj: 1 faces have no uv/);
    expect(parseObj('v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n').uvFaces).toBeNull();
  });
});
