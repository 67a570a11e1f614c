import { describe, expect, it } from 'vitest';
import { createFlameRig } from '../../../src/renderer/src/viewport/rig/flameRig';
import { exportMeshFile } from '../../../src/renderer/src/viewport/rig/exportMesh';
import { neutralCodes } from '../../../src/renderer/src/viewport/rig/rigStore';
import { tinyModel } from './tinyModel';

describe('exporting the current head', () => {
  const model = tinyModel();
  model.uv = { coords: Float32Array.from([0, 0, 1, 0, 0, 1, 1, 1, 0.5, 0.5, 0.2, 0.8]), faces: Uint32Array.from([0, 1, 2, 0, 2, 3, 0, 3, 4, 0, 4, 5, 1, 3, 5]) };
  const rig = createFlameRig(model);
  const codes = neutralCodes();
  codes.expression[0] = 2;
  codes.pose[3] = 0.3;

  it('writes the posed vertices as OBJ, with UVs and normals', () => {
    const { bytes, mime } = exportMeshFile(rig, codes, 'obj', 'tiny');
    expect(mime).toBe('model/obj');
    const lines = (bytes as string).split('\n');
    const vertices = lines.filter((l) => l.startsWith('v ')).map((l) => l.split(' ').slice(1).map(Number));
    expect(vertices.length).toBe(model.vertexCount);
    expect(lines.filter((l) => l.startsWith('f ')).length).toBe(model.faces.length / 3);
    expect(lines.filter((l) => l.startsWith('vt ')).length).toBe(6);
    // The file holds the posed head (expression and jaw applied), not the template.
    const posed = new Float32Array(model.vertexCount * 3);
    rig.pose(codes, { vertices: posed, normals: new Float32Array(posed.length), landmarks: new Float32Array(68 * 3) });
    for (let v = 0; v < model.vertexCount; v++) for (let c = 0; c < 3; c++) expect(vertices[v][c]).toBeCloseTo(posed[v * 3 + c], 6);
    expect(Math.abs(vertices[1][0] - model.template[3])).toBeGreaterThan(1e-4);
  });

  it('writes binary PLY and glTF with the same counts', () => {
    const ply = exportMeshFile(rig, codes, 'ply', 'tiny').bytes as Uint8Array;
    const header = new TextDecoder().decode(ply.subarray(0, 300));
    expect(header).toContain(`element vertex ${model.vertexCount}`);
    expect(header).toContain(`element face ${model.faces.length / 3}`);
    const gltf = JSON.parse(exportMeshFile(rig, codes, 'gltf', 'tiny').bytes as string) as { asset: { version: string }; accessors: { count: number }[] };
    expect(gltf.asset.version).toBe('2.0');
    // Index accessor: one index per triangle corner.
    expect(gltf.accessors.at(-1)!.count).toBe(model.faces.length);
  });
});
