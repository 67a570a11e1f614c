// TEMPORARY DEV STUB (not committed): replaced by the adapter over src/common/flame.
import type { PackedHeadModel } from '../../../../common/contract/viewport';
import { unpack } from './packed';
import type { HeadRig, PoseInput, PosedBuffers } from './posedHead';

export function createFlameRig(model: PackedHeadModel): HeadRig {
  const template = unpack(model.template, 'float32', 't');
  const faces = unpack(model.faces, 'uint32', 'f');
  const exp = unpack(model.expressionBasis, 'float32', 'e');
  const V = template.length / 3;
  const uv = model.uv ? { coords: unpack(model.uv.coords, 'float32', 'uv'), faces: unpack(model.uv.faces, 'uint32', 'uvf') } : null;
  return {
    vertexCount: V, faces, uv, hasLandmarks: true,
    pose(codes: PoseInput, out: PosedBuffers) {
      const E = 50;
      const [ax, ay, az] = codes.pose;
      const angle = Math.hypot(ax, ay, az);
      const k = angle > 0 ? [ax / angle, ay / angle, az / angle] : [0, 0, 1];
      const c = Math.cos(angle), s = Math.sin(angle), t = 1 - c;
      const R = [t*k[0]*k[0]+c, t*k[0]*k[1]-s*k[2], t*k[0]*k[2]+s*k[1], t*k[0]*k[1]+s*k[2], t*k[1]*k[1]+c, t*k[1]*k[2]-s*k[0], t*k[0]*k[2]-s*k[1], t*k[1]*k[2]+s*k[0], t*k[2]*k[2]+c];
      for (let i = 0; i < V; i++) {
        const p = [0, 0, 0];
        for (let d = 0; d < 3; d++) { let x = template[i*3+d]; const base = (i*3+d)*E; for (let j = 0; j < E; j++) x += exp[base+j]*codes.expression[j]; p[d] = x; }
        for (let d = 0; d < 3; d++) out.vertices[i*3+d] = R[d*3]*p[0]+R[d*3+1]*p[1]+R[d*3+2]*p[2];
      }
      out.normals.fill(0);
      const vv = out.vertices;
      for (let f = 0; f < faces.length; f += 3) {
        const a = faces[f]*3, b = faces[f+1]*3, cc = faces[f+2]*3;
        const e1 = [vv[b]-vv[a], vv[b+1]-vv[a+1], vv[b+2]-vv[a+2]], e2 = [vv[cc]-vv[a], vv[cc+1]-vv[a+1], vv[cc+2]-vv[a+2]];
        const n = [e1[1]*e2[2]-e1[2]*e2[1], e1[2]*e2[0]-e1[0]*e2[2], e1[0]*e2[1]-e1[1]*e2[0]];
        for (const q of [a, b, cc]) for (let d = 0; d < 3; d++) out.normals[q+d] += n[d];
      }
      for (let i = 0; i < V; i++) { const l = Math.hypot(out.normals[i*3], out.normals[i*3+1], out.normals[i*3+2]) || 1; for (let d = 0; d < 3; d++) out.normals[i*3+d] /= l; }
      for (let j = 0; j < 68; j++) for (let d = 0; d < 3; d++) out.landmarks[j*3+d] = vv[(j*71)*3+d];
    },
  };
}
