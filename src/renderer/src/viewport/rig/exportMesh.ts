// TEMPORARY DEV STUB (not committed).
import type { MeshFormat } from '../components/ExportButtons';
import type { HeadRig } from './posedHead';
import type { RigCodes } from './rigStore';
export function buildMeshFile(_rig: HeadRig, _codes: RigCodes, format: MeshFormat, _label: string): { bytes: string; mime: string } {
  return { bytes: `stub ${format}`, mime: 'text/plain' };
}
