/**
 * Files of a textured head: Wavefront OBJ + MTL + PNG (the OBJ names the MTL, the MTL the PNG
 * as `map_Kd`), binary glTF 2.0 (.glb: JSON chunk + BIN chunk holding the mesh and the PNG)
 * and .gltf (the same document with its buffer embedded as a data URI). The texture holds the
 * photo's colours, light included, so the glTF material is marked KHR_materials_unlit (viewers
 * that know it show the photo's colours; others fall back to a plain base-colour material).
 */

import { deflateRawSync, crc32 } from 'node:zlib';
import { gltfStreams, meshToObj, type ExportMesh } from '../../common/flame/export';
import type { UvLayout } from '../../common/flame/model';

/** A mesh with UVs and normals. */
export interface TexturedMesh extends ExportMesh {
  uv: UvLayout;
}

/** One named file of an export. */
export interface ExportFile {
  name: string;
  bytes: Uint8Array;
}

const encoder = new TextEncoder();

/** OBJ text that names `mtlName` and uses its material `head` (v/vt/vn faces). */
export function texturedObj(mesh: TexturedMesh, mtlName: string): string {
  const obj = meshToObj(mesh);
  const firstData = obj.search(/^v /m);
  return `${obj.slice(0, firstData)}mtllib ${mtlName}\nusemtl head\n${obj.slice(firstData)}`;
}

/** The MTL naming the texture (unlit: the photo's colours are already lit). */
export function headMtl(textureName: string): string {
  return ['# Rig Studio textured head', 'newmtl head', 'Ka 1 1 1', 'Kd 1 1 1', 'Ks 0 0 0', 'd 1', 'illum 1', `map_Kd ${textureName}`, ''].join('\n');
}

/** OBJ, MTL and PNG files named after `base` (e.g. 'photo-3-head'). */
export function objFiles(mesh: TexturedMesh, png: Uint8Array, base: string): ExportFile[] {
  return [
    { name: `${base}.obj`, bytes: encoder.encode(texturedObj(mesh, `${base}.mtl`)) },
    { name: `${base}.mtl`, bytes: encoder.encode(headMtl(`${base}.png`)) },
    { name: `${base}.png`, bytes: png },
  ];
}

/** glTF's JSON document and its one binary buffer. */
interface GltfParts {
  json: Record<string, unknown>;
  bin: Uint8Array;
}

function gltfParts(mesh: TexturedMesh, png: Uint8Array): GltfParts {
  const streams = gltfStreams(mesh);
  const { count, positions, indices, min, max } = streams;
  const normals = streams.normals ?? new Float32Array(count * 3);
  const uvs = streams.uvs!; // a textured mesh always has UVs
  const parts: Uint8Array[] = [];
  const bufferViews: Record<string, unknown>[] = [];
  let byteLength = 0;
  const addView = (bytes: Uint8Array, target?: number) => {
    parts.push(bytes);
    bufferViews.push({ buffer: 0, byteOffset: byteLength, byteLength: bytes.length, ...(target ? { target } : {}) });
    byteLength += bytes.length;
    const pad = (4 - (byteLength % 4)) % 4; // every view starts 4-byte aligned
    if (pad) { parts.push(new Uint8Array(pad)); byteLength += pad; }
    return bufferViews.length - 1;
  };
  const bytesOf = (a: Float32Array | Uint32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const accessors = [
    { bufferView: addView(bytesOf(positions), 34962), componentType: 5126, count, type: 'VEC3', min, max },
    { bufferView: addView(bytesOf(normals), 34962), componentType: 5126, count, type: 'VEC3' },
    { bufferView: addView(bytesOf(uvs), 34962), componentType: 5126, count, type: 'VEC2' },
    { bufferView: addView(bytesOf(indices), 34963), componentType: 5125, count: indices.length, type: 'SCALAR' },
  ];
  const imageView = addView(png);
  const bin = new Uint8Array(byteLength);
  let at = 0;
  for (const part of parts) { bin.set(part, at); at += part.length; }
  const name = mesh.name ?? 'head';
  const json = {
    asset: { version: '2.0', generator: 'Rig Studio' },
    extensionsUsed: ['KHR_materials_unlit'],
    scene: 0,
    scenes: [{ nodes: [0] }],
    nodes: [{ mesh: 0, name }],
    meshes: [{ name, primitives: [{ attributes: { POSITION: 0, NORMAL: 1, TEXCOORD_0: 2 }, indices: 3, material: 0, mode: 4 }] }],
    materials: [{
      name: 'photo texture',
      pbrMetallicRoughness: { baseColorTexture: { index: 0 }, metallicFactor: 0, roughnessFactor: 1 },
      extensions: { KHR_materials_unlit: {} },
    }],
    textures: [{ source: 0, sampler: 0 }],
    samplers: [{ magFilter: 9729, minFilter: 9987, wrapS: 33071, wrapT: 33071 }],
    images: [{ bufferView: imageView, mimeType: 'image/png', name: 'photo texture' }],
    buffers: [{ byteLength }],
    bufferViews,
    accessors,
  };
  return { json, bin };
}

/** Binary glTF (.glb): header, JSON chunk (space-padded), BIN chunk (zero-padded). */
export function texturedGlb(mesh: TexturedMesh, png: Uint8Array): Uint8Array {
  const { json, bin } = gltfParts(mesh, png);
  let jsonBytes = encoder.encode(JSON.stringify(json));
  const jsonPad = (4 - (jsonBytes.length % 4)) % 4;
  if (jsonPad) { const padded = new Uint8Array(jsonBytes.length + jsonPad).fill(0x20); padded.set(jsonBytes); jsonBytes = padded; }
  const total = 12 + 8 + jsonBytes.length + 8 + bin.length;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0x46546c67, true); // 'glTF'
  view.setUint32(4, 2, true);
  view.setUint32(8, total, true);
  view.setUint32(12, jsonBytes.length, true);
  view.setUint32(16, 0x4e4f534a, true); // 'JSON'
  out.set(jsonBytes, 20);
  const binAt = 20 + jsonBytes.length;
  view.setUint32(binAt, bin.length, true);
  view.setUint32(binAt + 4, 0x004e4942, true); // 'BIN\0'
  out.set(bin, binAt + 8);
  return out;
}

/** A .gltf document with its buffer (mesh and PNG) embedded as a base64 data URI. */
export function texturedGltf(mesh: TexturedMesh, png: Uint8Array): string {
  const { json, bin } = gltfParts(mesh, png);
  (json.buffers as Record<string, unknown>[])[0].uri = `data:application/octet-stream;base64,${Buffer.from(bin).toString('base64')}`;
  return JSON.stringify(json);
}

/** A zip archive of `files` (deflate), for delivering OBJ + MTL + PNG as one download. */
export function zipFiles(files: readonly ExportFile[]): Uint8Array {
  const chunks: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  // MS-DOS date/time of 1980-01-01 00:00: archives of the same files are byte-identical.
  const dosTime = 0, dosDate = (0 << 9) | (1 << 5) | 1;
  for (const file of files) {
    const name = encoder.encode(file.name);
    const data = deflateRawSync(file.bytes);
    const crc = crc32(file.bytes);
    const local = new Uint8Array(30 + name.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 20, true);
    lv.setUint16(6, 0x0800, true); // UTF-8 names
    lv.setUint16(8, 8, true); // deflate
    lv.setUint16(10, dosTime, true);
    lv.setUint16(12, dosDate, true);
    lv.setUint32(14, crc, true);
    lv.setUint32(18, data.length, true);
    lv.setUint32(22, file.bytes.length, true);
    lv.setUint16(26, name.length, true);
    local.set(name, 30);
    const entry = new Uint8Array(46 + name.length);
    const cv = new DataView(entry.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 20, true);
    cv.setUint16(6, 20, true);
    cv.setUint16(8, 0x0800, true);
    cv.setUint16(10, 8, true);
    cv.setUint16(12, dosTime, true);
    cv.setUint16(14, dosDate, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, data.length, true);
    cv.setUint32(24, file.bytes.length, true);
    cv.setUint16(28, name.length, true);
    cv.setUint32(42, offset, true);
    entry.set(name, 46);
    chunks.push(local, data);
    central.push(entry);
    offset += local.length + data.length;
  }
  const centralSize = central.reduce((n, c) => n + c.length, 0);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, files.length, true);
  ev.setUint16(10, files.length, true);
  ev.setUint32(12, centralSize, true);
  ev.setUint32(16, offset, true);
  const all = [...chunks, ...central, end];
  const out = new Uint8Array(all.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of all) { out.set(c, at); at += c.length; }
  return out;
}
