import { crc32, inflateRawSync } from 'node:zlib';
import { expect } from 'vitest';

// Readers the export tests check files with: zip entries and a .glb's structure.

/** The entries of a zip archive (local headers; deflate or stored), checking each CRC. */
export function readZip(bytes: Uint8Array): Map<string, Buffer> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Map<string, Buffer>();
  let at = 0;
  while (view.getUint32(at, true) === 0x04034b50) {
    const method = view.getUint16(at + 8, true);
    const crc = view.getUint32(at + 14, true);
    const size = view.getUint32(at + 18, true);
    const nameLength = view.getUint16(at + 26, true), extra = view.getUint16(at + 28, true);
    const name = Buffer.from(bytes.subarray(at + 30, at + 30 + nameLength)).toString('utf8');
    const start = at + 30 + nameLength + extra;
    const raw = Buffer.from(bytes.subarray(start, start + size));
    const data = method === 8 ? inflateRawSync(raw) : raw;
    if (crc32(data) !== crc) throw new Error(`${name}: CRC mismatch`);
    out.set(name, data);
    at = start + size;
  }
  return out;
}

/** The parts of a glTF document these tests read. */
export interface GltfDoc {
  buffers: { byteLength: number; uri?: string }[];
  bufferViews: { byteOffset: number; byteLength: number }[];
  images: { bufferView: number; mimeType: string }[];
  textures: { source: number }[];
  materials: { pbrMetallicRoughness: { baseColorTexture: { index: number } }; extensions?: Record<string, unknown> }[];
  meshes: { primitives: { attributes: Record<string, number>; indices: number }[] }[];
  accessors: { count: number; componentType: number; bufferView: number }[];
}

/** Checks a .glb's structure: header, JSON chunk, BIN chunk, views inside the buffer, the embedded PNG. */
export function checkGlb(bytes: Uint8Array): { json: GltfDoc; png: Buffer } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  expect(view.getUint32(0, true)).toBe(0x46546c67);
  expect(view.getUint32(4, true)).toBe(2);
  expect(view.getUint32(8, true)).toBe(bytes.length);
  const jsonLength = view.getUint32(12, true);
  expect(view.getUint32(16, true)).toBe(0x4e4f534a);
  expect(jsonLength % 4).toBe(0);
  const json = JSON.parse(Buffer.from(bytes.subarray(20, 20 + jsonLength)).toString('utf8')) as GltfDoc;
  const binAt = 20 + jsonLength;
  const binLength = view.getUint32(binAt, true);
  expect(view.getUint32(binAt + 4, true)).toBe(0x004e4942);
  expect(binAt + 8 + binLength).toBe(bytes.length);
  expect(json.buffers).toEqual([{ byteLength: binLength }]);
  for (const v of json.bufferViews) expect(v.byteOffset + v.byteLength).toBeLessThanOrEqual(binLength);
  const bin = Buffer.from(bytes.subarray(binAt + 8, binAt + 8 + binLength));
  const image = json.images[json.textures[json.materials[0].pbrMetallicRoughness.baseColorTexture.index].source];
  expect(image.mimeType).toBe('image/png');
  const imageView = json.bufferViews[image.bufferView];
  const png = bin.subarray(imageView.byteOffset, imageView.byteOffset + imageView.byteLength);
  const primitive = json.meshes[0].primitives[0];
  const positions = json.accessors[primitive.attributes.POSITION];
  expect(json.accessors[primitive.attributes.TEXCOORD_0].count).toBe(positions.count);
  expect(json.accessors[primitive.indices].componentType).toBe(5125);
  // Every index refers to a vertex.
  const indexAccessor = json.accessors[primitive.indices];
  const indexView = json.bufferViews[indexAccessor.bufferView];
  const indices = new Uint32Array(bin.buffer.slice(bin.byteOffset + indexView.byteOffset, bin.byteOffset + indexView.byteOffset + indexView.byteLength));
  expect(Math.max(...indices.subarray(0, 10000))).toBeLessThan(positions.count);
  return { json, png };
}

