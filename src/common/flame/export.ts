/**
 * Mesh export for the posed head: Wavefront OBJ (with UVs as v/vt faces and normals), binary
 * PLY (positions, normals, triangles) and glTF 2.0 (a single .gltf with its buffer embedded
 * as a data URI; vertices split at UV seams since glTF has one index per vertex).
 * Pure functions over typed arrays, so the browser can export without the backend.
 */

import type { UvLayout } from './model';

export interface ExportMesh {
  /** V × 3 positions. */
  vertices: ArrayLike<number>;
  /** F × 3 vertex indices. */
  faces: ArrayLike<number>;
  /** V × 3 unit normals (optional). */
  normals?: ArrayLike<number>;
  uv?: UvLayout;
  /** Written as a comment / asset name. */
  name?: string;
}

const format = (x: number): string => (Number.isFinite(x) ? Number(x.toPrecision(7)).toString() : '0');

/** The mesh as OBJ text (1-based indices; `f v/vt/vn` when UVs and normals are given). */
export function meshToObj(mesh: ExportMesh): string {
  const lines: string[] = [`# ${mesh.name ?? 'Rig Studio mesh'}`, `# exported by Rig Studio`];
  const vertexCount = mesh.vertices.length / 3;
  for (let v = 0; v < vertexCount; v++) lines.push(`v ${format(mesh.vertices[v * 3])} ${format(mesh.vertices[v * 3 + 1])} ${format(mesh.vertices[v * 3 + 2])}`);
  if (mesh.uv) for (let t = 0; t < mesh.uv.coords.length; t += 2) lines.push(`vt ${format(mesh.uv.coords[t])} ${format(mesh.uv.coords[t + 1])}`);
  if (mesh.normals) for (let v = 0; v < vertexCount; v++) lines.push(`vn ${format(mesh.normals[v * 3])} ${format(mesh.normals[v * 3 + 1])} ${format(mesh.normals[v * 3 + 2])}`);
  for (let f = 0; f < mesh.faces.length; f += 3) {
    const corner = (k: number): string => {
      const v = mesh.faces[f + k] + 1;
      const t = mesh.uv ? String(mesh.uv.faces[f + k] + 1) : '';
      if (mesh.normals) return `${v}/${t}/${v}`;
      return mesh.uv ? `${v}/${t}` : String(v);
    };
    lines.push(`f ${corner(0)} ${corner(1)} ${corner(2)}`);
  }
  return lines.join('\n') + '\n';
}

/** The mesh as binary little-endian PLY (float positions and normals, uchar/int faces). */
export function meshToPly(mesh: ExportMesh): Uint8Array {
  const vertexCount = mesh.vertices.length / 3;
  const faceCount = mesh.faces.length / 3;
  const withNormals = Boolean(mesh.normals);
  const header = [
    'ply', 'format binary_little_endian 1.0', `comment ${mesh.name ?? 'Rig Studio mesh'}`,
    `element vertex ${vertexCount}`, 'property float x', 'property float y', 'property float z',
    ...(withNormals ? ['property float nx', 'property float ny', 'property float nz'] : []),
    `element face ${faceCount}`, 'property list uchar int vertex_indices', 'end_header', '',
  ].join('\n');
  const headerBytes = new TextEncoder().encode(header);
  const vertexSize = withNormals ? 24 : 12;
  const out = new Uint8Array(headerBytes.length + vertexCount * vertexSize + faceCount * 13);
  out.set(headerBytes, 0);
  const view = new DataView(out.buffer);
  let offset = headerBytes.length;
  for (let v = 0; v < vertexCount; v++) {
    for (let c = 0; c < 3; c++, offset += 4) view.setFloat32(offset, mesh.vertices[v * 3 + c], true);
    if (mesh.normals) for (let c = 0; c < 3; c++, offset += 4) view.setFloat32(offset, mesh.normals[v * 3 + c], true);
  }
  for (let f = 0; f < faceCount; f++) {
    view.setUint8(offset++, 3);
    for (let k = 0; k < 3; k++, offset += 4) view.setInt32(offset, mesh.faces[f * 3 + k], true);
  }
  return out;
}

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000) as unknown as number[]);
  return btoa(binary);
}

/** glTF's per-vertex streams of a mesh: one glTF vertex per distinct (vertex, uv) corner pair, since glTF has one index per vertex. */
export interface GltfStreams {
  count: number;
  positions: Float32Array;
  /** Null when the mesh has no normals. */
  normals: Float32Array | null;
  /** Null when the mesh has no UVs; v flipped to glTF's (down the image). */
  uvs: Float32Array | null;
  indices: Uint32Array;
  /** Bounds of the positions as float32 (glTF's accessor min/max). */
  min: number[];
  max: number[];
}

/** Splits a mesh's corners into glTF vertex streams (shared by the mesh export and the textured head export). */
export function gltfStreams(mesh: ExportMesh): GltfStreams {
  const corners = new Map<string, number>();
  const source: [number, number][] = [];
  const indices = new Uint32Array(mesh.faces.length);
  for (let k = 0; k < mesh.faces.length; k++) {
    const v = mesh.faces[k];
    const t = mesh.uv ? mesh.uv.faces[k] : -1;
    const key = `${v}/${t}`;
    let index = corners.get(key);
    if (index === undefined) {
      index = source.length;
      corners.set(key, index);
      source.push([v, t]);
    }
    indices[k] = index;
  }
  const count = source.length;
  const positions = new Float32Array(count * 3);
  const normals = mesh.normals ? new Float32Array(count * 3) : null;
  const uvs = mesh.uv ? new Float32Array(count * 2) : null;
  const min = [Infinity, Infinity, Infinity];
  const max = [-Infinity, -Infinity, -Infinity];
  source.forEach(([v, t], i) => {
    for (let c = 0; c < 3; c++) {
      const x = mesh.vertices[v * 3 + c];
      positions[i * 3 + c] = x;
      min[c] = Math.min(min[c], Math.fround(x));
      max[c] = Math.max(max[c], Math.fround(x));
      if (normals) normals[i * 3 + c] = mesh.normals![v * 3 + c];
    }
    // glTF's v runs down the image; OBJ/FLAME UVs run up.
    if (uvs) { uvs[i * 2] = mesh.uv!.coords[t * 2]; uvs[i * 2 + 1] = 1 - mesh.uv!.coords[t * 2 + 1]; }
  });
  return { count, positions, normals, uvs, indices, min, max };
}

/** The mesh as a glTF 2.0 JSON document with an embedded buffer. */
export function meshToGltf(mesh: ExportMesh): string {
  const { positions, normals, uvs, indices, min, max } = gltfStreams(mesh);
  const parts: Uint8Array[] = [];
  const views: object[] = [];
  const accessors: object[] = [];
  let byteOffset = 0;
  const add = (array: Float32Array | Uint32Array, type: string, componentType: number, target: number, extra: object = {}) => {
    const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
    parts.push(bytes);
    views.push({ buffer: 0, byteOffset, byteLength: bytes.length, target });
    const components = type === 'VEC3' ? 3 : type === 'VEC2' ? 2 : 1;
    accessors.push({ bufferView: views.length - 1, componentType, count: array.length / components, type, ...extra });
    byteOffset += bytes.length; // every part is a multiple of 4 bytes
    return accessors.length - 1;
  };
  const attributes: Record<string, number> = { POSITION: add(positions, 'VEC3', 5126, 34962, { min, max }) };
  if (normals) attributes.NORMAL = add(normals, 'VEC3', 5126, 34962);
  if (uvs) attributes.TEXCOORD_0 = add(uvs, 'VEC2', 5126, 34962);
  const indexAccessor = add(indices, 'SCALAR', 5125, 34963);
  const buffer = new Uint8Array(byteOffset);
  let at = 0;
  for (const part of parts) { buffer.set(part, at); at += part.length; }
  return JSON.stringify({
    asset: { version: '2.0', generator: 'Rig Studio' },
    scene: 0,
    scenes: [{ nodes: [0] }],
    nodes: [{ mesh: 0, name: mesh.name ?? 'head' }],
    meshes: [{ name: mesh.name ?? 'head', primitives: [{ attributes, indices: indexAccessor, mode: 4 }] }],
    buffers: [{ byteLength: buffer.length, uri: `data:application/octet-stream;base64,${base64(buffer)}` }],
    bufferViews: views,
    accessors,
  });
}
