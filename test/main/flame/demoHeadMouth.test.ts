/**
 * The demo head's mouth with the jaw open (issue 22 item 8): the lips' slit used to open into
 * the hollow head, so the viewport (which culls back faces) showed the background through the
 * mouth, and the row under the lower lip moved with a quarter of the jaw while the lip moved
 * with all of it, folding the lower lip and tearing the mouth corners. The shipped head is
 * what the generator produces (renderHead.test.ts), so these check the shipped file. The mouth
 * interior is drawn by viewers only (FlameModel.mouth): the head's own faces are FLAME-like.
 */
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FlameEvaluator } from '../../../src/common/flame/evaluate';
import { type FlameModel, withMouthInterior } from '../../../src/common/flame/model';
import { createFragments, rasterize } from '../../../src/common/render/rasterize';
import { buildDemoGeometry, type DemoGeometry, head, mouthPart } from '../../../src/main/flame/demoHeadGeometry';
import { loadFlameModel } from '../../../src/main/flame/loadModel';

const demoPath = resolve(__dirname, '..', '..', '..', 'resources', 'demo-head', 'demo_head.npz');

/** Face normal (unnormalised) of face `f` of `vertices`. */
function faceNormal(vertices: ArrayLike<number>, faces: ArrayLike<number>, f: number): [number, number, number] {
  const a = faces[f * 3] * 3, b = faces[f * 3 + 1] * 3, c = faces[f * 3 + 2] * 3;
  const e1 = [vertices[b] - vertices[a], vertices[b + 1] - vertices[a + 1], vertices[b + 2] - vertices[a + 2]];
  const e2 = [vertices[c] - vertices[a], vertices[c + 1] - vertices[a + 1], vertices[c + 2] - vertices[a + 2]];
  return [e1[1] * e2[2] - e1[2] * e2[1], e1[2] * e2[0] - e1[0] * e2[2], e1[0] * e2[1] - e1[1] * e2[0]];
}

/** Pose codes: head yaw (degrees), jaw opening and the jaw swung sideways (radians). */
function pose(yawDegrees: number, jaw: number, jawSide: number): number[] {
  return [0, (yawDegrees * Math.PI) / 180, 0, jaw, jawSide, 0];
}

describe('the demo head with the jaw open', () => {
  /** The head as the 3D view draws it: its faces, then the mouth interior's. */
  let model: FlameModel;
  /** The head as DECA-style rendering, the demo photos and the fits use it. */
  let bare: FlameModel;
  let geometry: DemoGeometry;
  let evaluator: FlameEvaluator;
  beforeAll(async () => {
    bare = await loadFlameModel(demoPath);
    model = withMouthInterior(bare);
    geometry = buildDemoGeometry();
    evaluator = new FlameEvaluator(model);
  });

  it('keeps the mouth interior out of the faces DECA-style rendering uses, like FLAME', () => {
    const faceCount = bare.faces.length / 3;
    expect(faceCount).toBe(geometry.mouthFaceStart);
    expect(bare.faces.some((v) => geometry.part[v] === mouthPart)).toBe(false);
    expect(bare.mouth?.faces.length).toBeGreaterThan(0);
    expect(bare.mouth?.uvFaces?.length).toBe(bare.mouth?.faces.length);
    expect(Array.from(bare.mouth!.faces).every((v) => geometry.part[v] === mouthPart)).toBe(true);
    // The viewer's model appends them: every face index of the head (landmarks) keeps its face.
    expect(Array.from(model.faces.subarray(0, bare.faces.length))).toEqual(Array.from(bare.faces));
    expect(model.faces.length).toBe(bare.faces.length + bare.mouth!.faces.length);
    expect(model.uv!.faces.length).toBe(model.faces.length);
  });

  it('closes the mouth in the view only: the bare head still shows the hollow head through an open mouth', () => {
    // What a DECA-style render of the bare head sees through the parted lips: faces of the head
    // behind the mouth (the inside of the skull), as with FLAME, never the mouth interior.
    const size = 96;
    const frame = new FlameEvaluator(bare).evaluate({ pose: pose(0, 0.5, 0), camera: [14, 0, 0.04] }, { landmarks: false, shading: false });
    const fragments = createFragments(size);
    rasterize(frame.projected, bare.faces, fragments);
    let backFacing = 0;
    for (let p = 0; p < size * size; p++) {
      const f = fragments.face[p];
      if (f >= 0 && faceNormal(frame.vertices, bare.faces, f)[2] <= 0) backFacing++;
    }
    expect(backFacing).toBeGreaterThan(0);
  });

  it('shows no hole through the head around the mouth, turned either way and with the jaw swung sideways', () => {
    // A hole is a pixel the head covers that a viewer culling back faces leaves empty.
    const size = 96;
    const all = createFragments(size), culled = createFragments(size);
    const holes: string[] = [];
    for (const jaw of [0.2, 0.6]) for (const yaw of [-60, -25, 0, 25, 60]) for (const side of [-0.2, 0, 0.2]) {
      const landmarks = evaluator.evaluate({ pose: pose(yaw, jaw, side) }).landmarks3d;
      // Frame the mouth (landmarks 49–68), about 10 cm across.
      let x = 0, y = 0;
      for (let k = 48; k < 68; k++) { x += landmarks[k * 3] / 20; y += landmarks[k * 3 + 1] / 20; }
      const frame = evaluator.evaluate({ pose: pose(yaw, jaw, side), camera: [20, -x, -y] }, { landmarks: false, shading: false });
      const front: number[] = [];
      for (let f = 0; f < model.faces.length / 3; f++) {
        if (faceNormal(frame.vertices, model.faces, f)[2] > 0) front.push(model.faces[f * 3], model.faces[f * 3 + 1], model.faces[f * 3 + 2]);
      }
      rasterize(frame.projected, model.faces, all);
      rasterize(frame.projected, front, culled);
      let count = 0;
      for (let p = 0; p < size * size; p++) if (all.face[p] >= 0 && culled.face[p] < 0) count++;
      if (count > 0) holes.push(`jaw ${jaw}, yaw ${yaw}°, jaw side ${side}: ${count} px`);
    }
    expect(holes).toEqual([]);
  });

  it('folds no lip face: faces around the slit keep facing the way they face at rest', () => {
    const lipFaces: number[] = [];
    for (let f = 0; f < geometry.headFaceCount; f++) {
      const near = [0, 1, 2].some((k) => {
        const v = model.faces[f * 3 + k];
        return Math.abs(geometry.height[v] - head.mouthY) < 0.012 && Math.abs(geometry.azimuth[v]) < 0.6;
      });
      if (near) lipFaces.push(f);
    }
    expect(lipFaces.length).toBeGreaterThan(50);
    const rest = evaluator.evaluate({}, { landmarks: false, projection: false, shading: false }).vertices.slice();
    const folded: string[] = [];
    for (const jaw of [0.3, 0.6]) for (const side of [-0.2, 0, 0.2]) for (const jawDrop of [0, 2.5]) {
      const posed = evaluator.evaluate({ pose: pose(0, jaw, side), expression: [jawDrop] }, { landmarks: false, projection: false, shading: false }).vertices;
      let count = 0;
      for (const f of lipFaces) {
        const [a, b] = [faceNormal(rest, model.faces, f), faceNormal(posed, model.faces, f)];
        if (a[0] * b[0] + a[1] * b[1] + a[2] * b[2] <= 0) count++;
      }
      if (count > 0) folded.push(`jaw ${jaw}, jaw side ${side}, expression 0 = ${jawDrop}: ${count} faces`);
    }
    expect(folded).toEqual([]);
  });

  it('is one closed surface with the lips apart: the mouth interior fills the slit, every edge used once each way', () => {
    const vertices = evaluator.evaluate({ pose: pose(0, 0.4, 0.1) }, { landmarks: false, projection: false, shading: false }).vertices;
    // The interior's rim copies the lips' vertices and moves exactly with them: weld by position.
    const ids = new Map<string, number>();
    const id = (v: number) => {
      const key = `${vertices[v * 3]},${vertices[v * 3 + 1]},${vertices[v * 3 + 2]}`;
      if (!ids.has(key)) ids.set(key, ids.size);
      return ids.get(key)!;
    };
    const isEye = (v: number) => geometry.part[v] === 2 || geometry.part[v] === 3;
    const edges = new Map<string, number>();
    let interiorFaces = 0;
    for (let f = 0; f < model.faces.length / 3; f++) {
      const corners = [0, 1, 2].map((k) => model.faces[f * 3 + k]);
      if (corners.some(isEye)) continue;
      if (corners.some((v) => geometry.part[v] === mouthPart)) interiorFaces++;
      const welded = corners.map(id);
      for (let k = 0; k < 3; k++) {
        const key = `${welded[k]}>${welded[(k + 1) % 3]}`;
        edges.set(key, (edges.get(key) ?? 0) + 1);
      }
    }
    expect(interiorFaces).toBeGreaterThan(0);
    // The only open edges are the neck base's ring.
    const neckBase = new Set(Array.from({ length: geometry.columns }, (_, c) => id(geometry.ring(0, c))));
    const open: string[] = [];
    for (const [key, count] of edges) {
      const [a, b] = key.split('>').map(Number);
      const reverse = edges.get(`${b}>${a}`) ?? 0;
      if (count !== 1) open.push(`${key} used ${count} times`);
      else if (reverse !== 1 && !(neckBase.has(a) && neckBase.has(b))) open.push(`${key} has no opposite edge`);
    }
    expect(open).toEqual([]);
  });

  it('hides the mouth interior behind closed lips, so closed-mouth renders are those of the head alone', () => {
    const size = 128;
    const firstInteriorFace = (() => {
      for (let f = 0; f < model.faces.length / 3; f++) if (geometry.part[model.faces[f * 3]] === mouthPart) return f;
      return -1;
    })();
    expect(firstInteriorFace).toBeGreaterThan(geometry.headFaceCount);
    const fragments = createFragments(size);
    for (const yaw of [-70, -35, 0, 35, 70]) {
      // Smile, pucker and mouth sideways move the lips but keep them together.
      const frame = evaluator.evaluate({ pose: pose(yaw, 0, 0), expression: [0, 1.5, 0, 0, 1, 0, 1], camera: [14, 0, 0.04] }, { landmarks: false, shading: false });
      rasterize(frame.projected, model.faces, fragments);
      let interior = 0, covered = 0;
      for (let p = 0; p < size * size; p++) {
        if (fragments.face[p] >= 0) covered++;
        if (fragments.face[p] >= firstInteriorFace) interior++;
      }
      expect(covered).toBeGreaterThan(1000);
      expect(interior, `yaw ${yaw}°`).toBe(0);
    }
  });
});
