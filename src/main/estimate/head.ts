/**
 * The head model landmark fitting uses: the researcher's FLAME model with DECA's landmark
 * embedding when Settings names them, else the demo head the app ships (found and loaded by
 * the viewport's own resolver, so both show the same head), with a per-vertex albedo taken
 * from the model's texture through its UVs when it carries one.
 */
import type { FlameModel } from '../../common/flame/model';
import type { FlameFiles } from '../viewport/activeModel';
import { defaultDemoHeadDir, loadHeadModel, locateHeadModel } from '../viewport/activeModel';
import type { FittingHead } from './pipeline';

/** Loads the fitting head: `files` (FLAME + DECA data folder) or the demo head. */
export async function loadFittingHead(files: FlameFiles | null, demoHeadDir = defaultDemoHeadDir()): Promise<FittingHead> {
  const location = locateHeadModel({ flameFiles: () => files, demoHeadDir });
  const head = await loadHeadModel(location);
  if (!head.model.landmarks) {
    throw new Error(`${location.modelPath}: no landmark embedding; landmark fitting needs DECA's landmark_embedding.npy in the DECA data folder`);
  }
  const albedo = head.albedo ? vertexAlbedo(head.model, head.albedo) : null;
  return { model: head.model, label: location.label, albedo };
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
