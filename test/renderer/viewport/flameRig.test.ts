import { describe, expect, it } from 'vitest';
import type { PackedHeadModel } from '../../../src/common/contract/viewport';
import { FlameEvaluator } from '../../../src/common/flame/evaluate';
import { createFlameRig } from '../../../src/renderer/src/viewport/rig/flameRig';
import { allocatePosed, PosedHead } from '../../../src/renderer/src/viewport/rig/posedHead';
import { RigStore } from '../../../src/renderer/src/viewport/rig/rigStore';
import { unpackHeadModel } from '../../../src/renderer/src/viewport/rig/unpackHeadModel';
import { packModel, tinyModel } from './tinyModel';

describe('the viewport rig over the shared FLAME math', () => {
  const model = tinyModel();
  const unpacked = unpackHeadModel(JSON.parse(JSON.stringify(packModel(model))) as PackedHeadModel);

  it('unpacks the wire form into the same FlameModel', () => {
    expect(unpacked.template).toEqual(model.template);
    expect(unpacked.poseBasis).toEqual(model.poseBasis);
    expect(unpacked.jointRegressor).toEqual(model.jointRegressor);
    expect(unpacked.parents).toEqual(model.parents);
    expect(unpacked.landmarks!.binCount).toBe(79);
    expect(unpacked.landmarks!.dynamicBary).toEqual(model.landmarks!.dynamicBary);
  });

  it("poses exactly as FlameEvaluator does, taking only the model's components of DECA-sized codes", () => {
    const rig = createFlameRig(unpacked);
    const store = new RigStore();
    store.codes.shape.set([0.5, -1, 2, 0.3, 99]); // component 5 is beyond this model: ignored
    store.codes.expression.set([1, -2, 0.5, 77]);
    store.codes.pose.set([0.1, 0.4, -0.05, 0.2, 0.01, 0]);
    const out = allocatePosed(rig.vertexCount);
    rig.pose(store.codes, out);
    const expected = new FlameEvaluator(model).evaluate({ shape: [0.5, -1, 2, 0.3], expression: [1, -2, 0.5], pose: store.codes.pose });
    for (let i = 0; i < out.vertices.length; i++) expect(out.vertices[i]).toBeCloseTo(expected.vertices[i], 6);
    for (let i = 0; i < out.normals.length; i++) expect(out.normals[i]).toBeCloseTo(expected.normals[i], 6);
    for (let i = 0; i < 68 * 3; i++) expect(out.landmarks[i]).toBeCloseTo(expected.landmarks2d[i], 6);
  });

  it("draws a model's mouth interior after its faces, and leaves the model's own faces alone", () => {
    // Two more triangles over the fan's vertices, as a viewer-only mouth interior.
    const mouthFaces = Uint32Array.from([0, 2, 4, 1, 3, 5]);
    const withMouth = unpackHeadModel(JSON.parse(JSON.stringify(packModel({ ...model, mouth: { faces: mouthFaces } }))) as PackedHeadModel);
    expect(withMouth.faces).toEqual(model.faces);
    expect(withMouth.mouth!.faces).toEqual(mouthFaces);
    const rig = createFlameRig(withMouth);
    expect(Array.from(rig.faces)).toEqual([...model.faces, ...mouthFaces]);
    // Its normals come from every face drawn.
    const store = new RigStore();
    store.codes.pose.set([0.1, 0.4, -0.05, 0.2, 0.01, 0]);
    const out = allocatePosed(rig.vertexCount);
    rig.pose(store.codes, out);
    const expected = new FlameEvaluator({ ...model, faces: rig.faces }).evaluate({ pose: store.codes.pose });
    for (let i = 0; i < out.normals.length; i++) expect(out.normals[i]).toBeCloseTo(expected.normals[i], 6);
    expect(createFlameRig(unpacked).faces).toEqual(model.faces);
  });

  it('re-poses once per store version, however many consumers ask', () => {
    const store = new RigStore();
    const posed = new PosedHead(createFlameRig(unpacked), store);
    const v1 = posed.update();
    const before = posed.buffers.vertices.slice();
    expect(posed.update()).toBe(v1);
    store.set('expression', 1, 2);
    const v2 = posed.update();
    expect(v2).not.toBe(v1);
    expect(posed.buffers.vertices).not.toEqual(before);
  });
});
