/**
 * Wavefront .obj reader for what FLAME assets use: `v`, `vt` and `f` in v, v/vt, v/vt/vn or
 * v//vn form (1-based or negative indices; polygons fanned into triangles). Other statements
 * (vn, g, o, s, usemtl, mtllib) are skipped.
 */

export interface ObjMesh {
  /** vertexCount × 3 */
  vertices: Float64Array;
  /** uvCount × 2 */
  uvs: Float32Array;
  /** triangles × 3 vertex indices (0-based) */
  faces: Uint32Array;
  /** triangles × 3 uv indices, or null when faces carry no vt */
  uvFaces: Uint32Array | null;
}

/** Parses .obj text; `what` (the file name) prefixes errors, which give the line number. */
export function parseObj(text: string, what = '.obj'): ObjMesh {
  const vertices: number[] = [];
  const uvs: number[] = [];
  const faces: number[] = [];
  const uvFaces: number[] = [];
  let withUv = 0;
  let withoutUv = 0;
  const lines = text.split('\n');
  for (let lineNumber = 0; lineNumber < lines.length; lineNumber++) {
    const line = lines[lineNumber].trim();
    if (line === '' || line[0] === '#') continue;
    const parts = line.split(/\s+/);
    const fail = (message: string): never => { throw new Error(`${what}:${lineNumber + 1}: ${message}`); };
    const numbers = (count: number): number[] => {
      const values = parts.slice(1, 1 + count).map(Number);
      if (values.length < count || values.some((v) => !Number.isFinite(v))) fail(`expected ${count} numbers after '${parts[0]}'`);
      return values;
    };
    switch (parts[0]) {
      case 'v': vertices.push(...numbers(3)); break;
      case 'vt': uvs.push(...numbers(2)); break;
      case 'f': {
        const corners = parts.slice(1).map((corner) => {
          const [v, vt] = corner.split('/');
          const resolve = (raw: string, count: number, kind: string): number => {
            const index = Number(raw);
            if (!Number.isInteger(index) || index === 0) fail(`bad ${kind} index '${raw}'`);
            const zeroBased = index > 0 ? index - 1 : count + index;
            if (zeroBased < 0 || zeroBased >= count) fail(`${kind} index ${index} out of range (${count} defined so far)`);
            return zeroBased;
          };
          return {
            v: resolve(v, vertices.length / 3, 'vertex'),
            vt: vt ? resolve(vt, uvs.length / 2, 'uv') : -1,
          };
        });
        if (corners.length < 3) fail('face with fewer than 3 corners');
        for (let k = 1; k + 1 < corners.length; k++) {
          const triangle = [corners[0], corners[k], corners[k + 1]];
          faces.push(...triangle.map((c) => c.v));
          if (triangle.every((c) => c.vt >= 0)) { uvFaces.push(...triangle.map((c) => c.vt)); withUv++; } else withoutUv++;
        }
        break;
      }
      default: break;
    }
  }
  if (withUv > 0 && withoutUv > 0) throw new Error(`${what}: ${withoutUv} faces have no uv indices while ${withUv} do`);
  return {
    vertices: Float64Array.from(vertices),
    uvs: Float32Array.from(uvs),
    faces: Uint32Array.from(faces),
    uvFaces: withUv > 0 ? Uint32Array.from(uvFaces) : null,
  };
}
