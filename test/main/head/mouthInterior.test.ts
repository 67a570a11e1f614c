/**
 * The demo head's mouth interior on its way to the 3D view: loaded apart from the head's faces,
 * packed for the browser bit for bit, and drawn after the head's faces with normals of its own
 * while the head keeps its normals (test/renderer/viewport/flameRig.test.ts: the rig draws it).
 */
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PackedArray, PackedHeadModel } from '../../../src/common/contract/viewport';
import { FlameEvaluator } from '../../../src/common/flame/evaluate';
import { type FlameModel, withMouthInterior } from '../../../src/common/flame/model';
import { loadFlameModel } from '../../../src/main/flame/loadModel';
import { packHeadModel } from '../../../src/main/head/packHeadModel';

const demoPath = resolve(__dirname, '..', '..', '..', 'resources', 'demo-head', 'demo_head.npz');

/** A packed array's values, decoded as any client must: base64 → bytes → uint32. */
function decodeUint32(packed: PackedArray): Uint32Array {
  expect(packed.dtype).toBe('uint32');
  const bytes = Buffer.from(packed.base64, 'base64');
  return new Uint32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

describe("the demo head's mouth interior for the 3D view", () => {
  let model: FlameModel;
  let wire: PackedHeadModel;
  beforeAll(async () => {
    model = await loadFlameModel(demoPath);
    wire = JSON.parse(JSON.stringify(packHeadModel(model, { source: 'demo', label: 'demo head', path: null }))) as PackedHeadModel;
  });

  it('crosses the wire bit for bit, apart from the head\'s faces', () => {
    expect(wire.info.faceCount).toBe(model.faces.length / 3);
    expect(decodeUint32(wire.faces)).toEqual(model.faces);
    expect(wire.mouth!.faces.shape).toEqual([model.mouth!.faces.length / 3, 3]);
    expect(decodeUint32(wire.mouth!.faces)).toEqual(model.mouth!.faces);
    expect(decodeUint32(wire.mouth!.uvFaces!)).toEqual(model.mouth!.uvFaces);
  });

  it('is drawn after the head, with unit normals, and leaves the head its own normals', () => {
    const drawn = withMouthInterior(model);
    expect(drawn.faces.length).toBe(model.faces.length + model.mouth!.faces.length);
    expect(Array.from(drawn.faces.subarray(model.faces.length))).toEqual(Array.from(model.mouth!.faces));
    const codes = { pose: [0, 0.4, 0, 0.5, 0.1, 0] };
    const options = { landmarks: false, projection: false, shading: false };
    const withMouth = new FlameEvaluator(drawn).evaluate(codes, options).normals;
    const bare = new FlameEvaluator(model).evaluate(codes, options).normals;
    const inMouth = new Set(model.mouth!.faces);
    let headDiff = 0;
    for (let v = 0; v < model.vertexCount; v++) {
      const n = withMouth.subarray(v * 3, v * 3 + 3);
      if (inMouth.has(v)) expect(Math.hypot(n[0], n[1], n[2])).toBeCloseTo(1, 5);
      else for (let c = 0; c < 3; c++) headDiff = Math.max(headDiff, Math.abs(n[c] - bare[v * 3 + c]));
    }
    expect(headDiff).toBeLessThan(1e-6);
  });
});
