import { meshToGltf, meshToObj, meshToPly } from '../../../../common/flame/export';
import type { MeshFormat } from '../components/ExportButtons';
import { allocatePosed, type HeadRig } from './posedHead';
import type { RigCodes } from './rigStore';

const mimeTypes: Record<MeshFormat, string> = {
  obj: 'model/obj',
  ply: 'application/octet-stream',
  gltf: 'model/gltf+json',
};

/**
 * The current head as a mesh file: posed with the rig's codes in FLAME's model frame (metres,
 * no camera), with normals and, when the model has them, UVs. Uses the shared exporters in
 * src/common/flame, so a download from the browser equals `rig-studio flame --out`.
 */
export function exportMeshFile(rig: HeadRig, codes: RigCodes, format: MeshFormat, name: string): { bytes: Uint8Array | string; mime: string } {
  const posed = allocatePosed(rig.vertexCount);
  rig.pose(codes, posed);
  const mesh = { vertices: posed.vertices, faces: rig.faces, normals: posed.normals, uv: rig.uv ?? undefined, name };
  const bytes = format === 'obj' ? meshToObj(mesh) : format === 'ply' ? meshToPly(mesh) : meshToGltf(mesh);
  return { bytes, mime: mimeTypes[format] };
}
