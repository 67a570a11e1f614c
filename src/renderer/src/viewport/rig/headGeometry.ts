import { BufferAttribute, BufferGeometry, DynamicDrawUsage } from 'three';

// FLAME has one position per vertex but several texture coordinates at UV seams (5023 vertices,
// 5118 UVs), so the drawable mesh has one vertex per (position, UV) pair. `modelIndex` maps each
// drawable vertex back to its FLAME vertex; per-frame updates copy through it in place.

export interface DrawableLayout {
  /** FLAME vertex of each drawable vertex. */
  modelIndex: Uint32Array;
  /** (N,2) texture coordinates of the drawable vertices, null without UVs. */
  uvs: Float32Array | null;
  /** (F,3) triangle indices into the drawable vertices. */
  index: Uint32Array;
}

/** Splits vertices at UV seams; without UVs the drawable mesh is the model mesh. */
export function drawableLayout(faces: Uint32Array, vertexCount: number, uv: { coords: Float32Array; faces: Uint32Array } | null): DrawableLayout {
  if (!uv) {
    const modelIndex = new Uint32Array(vertexCount);
    for (let i = 0; i < vertexCount; i++) modelIndex[i] = i;
    return { modelIndex, uvs: null, index: faces.slice() };
  }
  if (uv.faces.length !== faces.length) throw new Error(`UV faces (${uv.faces.length / 3}) and faces (${faces.length / 3}) differ in count`);
  const pairs = new Map<number, number>();
  const modelIndex: number[] = [];
  const uvs: number[] = [];
  const index = new Uint32Array(faces.length);
  const uvCount = uv.coords.length / 2;
  for (let i = 0; i < faces.length; i++) {
    const v = faces[i];
    const t = uv.faces[i];
    if (v >= vertexCount || t >= uvCount) throw new Error(`face ${Math.floor(i / 3)} refers to vertex ${v} / uv ${t} beyond the model`);
    const key = v * uvCount + t;
    let drawable = pairs.get(key);
    if (drawable === undefined) {
      drawable = modelIndex.length;
      pairs.set(key, drawable);
      modelIndex.push(v);
      uvs.push(uv.coords[2 * t], uv.coords[2 * t + 1]);
    }
    index[i] = drawable;
  }
  return { modelIndex: Uint32Array.from(modelIndex), uvs: Float32Array.from(uvs), index };
}

/** A geometry with position and normal buffers sized for the layout, filled later in place. */
export function createHeadGeometry(layout: DrawableLayout): BufferGeometry {
  const geometry = new BufferGeometry();
  const count = layout.modelIndex.length;
  const position = new BufferAttribute(new Float32Array(count * 3), 3);
  const normal = new BufferAttribute(new Float32Array(count * 3), 3);
  // Rewritten whenever a slider moves.
  position.setUsage(DynamicDrawUsage);
  normal.setUsage(DynamicDrawUsage);
  geometry.setAttribute('position', position);
  geometry.setAttribute('normal', normal);
  if (layout.uvs) geometry.setAttribute('uv', new BufferAttribute(layout.uvs, 2));
  geometry.setIndex(new BufferAttribute(layout.index, 1));
  return geometry;
}

/** Copies posed FLAME vertices and normals into the drawable buffers (no allocation). */
export function writeDrawable(target: Float32Array, source: Float32Array, modelIndex: Uint32Array): void {
  for (let i = 0; i < modelIndex.length; i++) {
    const from = modelIndex[i] * 3;
    const to = i * 3;
    target[to] = source[from];
    target[to + 1] = source[from + 1];
    target[to + 2] = source[from + 2];
  }
}
