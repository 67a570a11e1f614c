/**
 * The head model landmark fitting uses: the researcher's FLAME model with DECA's landmark
 * embedding when Settings names them, else the demo head the app ships (found and loaded by
 * the viewport's own resolver, so both show the same head), with a per-vertex albedo taken
 * from the model's texture through its UVs when it carries one, else from DECA's mean texture
 * when the DECA data folder is known, else none (the light solve then assumes flat grey).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { FlameModel } from '../../common/flame/model';
import { parseObj } from '../io/obj';
import type { FlameFiles } from '../head/activeModel';
import { defaultDemoHeadDir, loadHeadModel, locateHeadModel } from '../head/activeModel';
import type { FittingHead } from './pipeline';

/** Loads the fitting head: `files` (FLAME + DECA data folder) or the demo head. */
export async function loadFittingHead(files: FlameFiles | null, demoHeadDir = defaultDemoHeadDir()): Promise<FittingHead> {
  const location = locateHeadModel({ flameFiles: () => files, demoHeadDir });
  const head = await loadHeadModel(location);
  if (!head.model.landmarks) {
    throw new Error(`${location.modelPath}: no landmark embedding; landmark fitting needs DECA's landmark_embedding.npy in the DECA data folder`);
  }
  let albedo = head.albedo ? vertexAlbedo(head.model, head.albedo) : null;
  if (!albedo && files?.decaDataDir) albedo = await decaMeanAlbedo(head.model, files.decaDataDir);
  return { model: head.model, label: location.label, albedo };
}

/**
 * Per-vertex albedo from DECA's data folder: `mean_texture.jpg` through the UVs of
 * `head_template.obj` (same faces as FLAME, in the same order). Null when either is missing.
 */
export async function decaMeanAlbedo(model: FlameModel, decaDataDir: string): Promise<Float64Array | null> {
  const objPath = join(decaDataDir, 'head_template.obj');
  const texturePath = join(decaDataDir, 'mean_texture.jpg');
  if (!existsSync(objPath) || !existsSync(texturePath)) return null;
  const obj = parseObj(readFileSync(objPath, 'utf8'), 'head_template.obj');
  if (!obj.uvFaces || obj.faces.length !== model.faces.length || obj.faces.some((v, i) => v !== model.faces[i])) {
    throw new Error(`${objPath}: its faces do not match the FLAME model's (${obj.faces.length / 3} vs ${model.faces.length / 3} triangles)`);
  }
  const { data, info } = await sharp(texturePath).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const texture = { rgb: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
  return vertexAlbedo({ ...model, uv: { coords: obj.uvs, faces: obj.uvFaces } }, texture);
}

/** Mean texture colour (0–1) at each vertex's UV corners; null without UVs. */
export function vertexAlbedo(model: FlameModel, texture: { rgb: Uint8Array; width: number; height: number }): Float64Array | null {
  if (!model.uv) return null;
  const out = new Float64Array(model.vertexCount * 3);
  const counts = new Uint32Array(model.vertexCount);
  const { coords, faces: uvFaces } = model.uv;
  for (let corner = 0; corner < model.faces.length; corner++) {
    const v = model.faces[corner];
    const t = uvFaces[corner];
    const x = Math.min(texture.width - 1, Math.max(0, Math.round(coords[2 * t] * (texture.width - 1))));
    const y = Math.min(texture.height - 1, Math.max(0, Math.round((1 - coords[2 * t + 1]) * (texture.height - 1))));
    const i = (y * texture.width + x) * 3;
    for (let c = 0; c < 3; c++) out[3 * v + c] += texture.rgb[i + c] / 255;
    counts[v]++;
  }
  for (let v = 0; v < model.vertexCount; v++) {
    if (counts[v] === 0) out.fill(0.5, 3 * v, 3 * v + 3);
    else for (let c = 0; c < 3; c++) out[3 * v + c] /= counts[v];
  }
  return out;
}
