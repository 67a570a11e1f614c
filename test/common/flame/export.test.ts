import { describe, expect, it } from 'vitest';
import { meshToGltf, meshToObj, meshToPly } from '../../../src/common/flame/export';

const mesh = {
  vertices: [0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 1, 0.5],
  faces: Uint32Array.from([0, 1, 2, 1, 3, 2]),
  normals: [0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1],
  uv: { coords: Float32Array.from([0, 0, 1, 0, 0, 1, 1, 1, 0.5, 0.5]), faces: Uint32Array.from([0, 1, 2, 1, 3, 4]) },
  name: 'test',
};

describe('mesh export', () => {
  it('writes OBJ with v/vt/vn faces', () => {
    const text = meshToObj(mesh);
    expect(text.split('\n').filter((l) => l.startsWith('v ')).length).toBe(4);
    expect(text).toContain('v 1 1 0.5');
    expect(text).toContain('f 2/2/2 4/4/4 3/5/3');
  });

  it('writes binary PLY with a parseable header and exact payload size', () => {
    const bytes = meshToPly(mesh);
    const text = new TextDecoder('latin1').decode(bytes);
    const headerEnd = text.indexOf('end_header\n') + 'end_header\n'.length;
    expect(text.slice(0, headerEnd)).toContain('element vertex 4');
    expect(bytes.length - headerEnd).toBe(4 * 24 + 2 * 13);
    const view = new DataView(bytes.buffer, headerEnd);
    expect(view.getFloat32(3 * 24 + 8, true)).toBe(0.5); // z of vertex 3
    expect(view.getUint8(4 * 24 + 13)).toBe(3);
    expect(view.getInt32(4 * 24 + 13 + 1 + 4, true)).toBe(3); // second face, second corner
  });

  it('writes glTF 2.0 with vertices split at UV seams and valid accessors', () => {
    const gltf = JSON.parse(meshToGltf(mesh));
    expect(gltf.asset.version).toBe('2.0');
    const primitive = gltf.meshes[0].primitives[0];
    const position = gltf.accessors[primitive.attributes.POSITION];
    // Vertex 2 is used with two different UVs (2 and 4): 5 glTF vertices.
    expect(position.count).toBe(5);
    expect(position.max).toEqual([1, 1, 0.5]);
    expect(gltf.accessors[primitive.indices].count).toBe(6);
    const buffer = Uint8Array.from(atob(gltf.buffers[0].uri.split(',')[1]), (c) => c.charCodeAt(0));
    expect(buffer.length).toBe(gltf.buffers[0].byteLength);
    const view = gltf.bufferViews[gltf.accessors[primitive.attributes.TEXCOORD_0].bufferView];
    const uvs = new Float32Array(buffer.buffer, view.byteOffset, 10);
    // glTF flips v: OBJ (1, 1) for vertex 3 → (1, 0).
    expect(Array.from(uvs.slice(6, 8))).toEqual([1, 0]);
  });
});
