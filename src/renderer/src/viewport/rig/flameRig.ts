import { FlameEvaluator } from '../../../../common/flame/evaluate';
import { type FlameModel, withMouthInterior } from '../../../../common/flame/model';
import type { SkinningCodes } from '../../../../common/flame/codes';
import type { HeadRig, PoseInput, PosedBuffers } from './posedHead';

/**
 * The viewport's rig over the shared FLAME math (src/common/flame): DECA's skinning, normals
 * and 68 landmarks, evaluated in the browser so slider edits show on the next frame. The
 * evaluator reuses its buffers and caches the identity part while the shape code is unchanged.
 */
export function createFlameRig(flame: FlameModel): HeadRig {
  // The viewer draws the mouth interior too (its normals come from its own faces; the head's are
  // unchanged, as its rim is a copy of the lips' vertices).
  const model = withMouthInterior(flame);
  const evaluator = new FlameEvaluator(model);
  const codes: SkinningCodes = {};
  const hasLandmarks = model.landmarks !== undefined;
  return {
    vertexCount: model.vertexCount,
    faces: model.faces,
    uv: model.uv ?? null,
    hasLandmarks,
    pose(input: PoseInput, out: PosedBuffers): void {
      // The model may carry fewer components than DECA's 100 / 50 (the demo head does).
      codes.shape = input.shape.subarray(0, model.shapeCount);
      codes.expression = input.expression.subarray(0, model.expressionCount);
      codes.pose = input.pose;
      const frame = evaluator.evaluate(codes, { landmarks: hasLandmarks, projection: false, shading: false });
      out.vertices.set(frame.vertices);
      out.normals.set(frame.normals);
      if (hasLandmarks) out.landmarks.set(frame.landmarks2d);
    },
  };
}
