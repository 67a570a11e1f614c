import { FlameEvaluator } from '../../../../common/flame/evaluate';
import type { FlameModel } from '../../../../common/flame/model';
import type { Fragments } from '../../../../common/render/rasterize';
import { createFragments } from '../../../../common/render/rasterize';
import { createDecaBuffers, renderDecaBuffers, type DecaBuffers, type Texture } from '../../../../common/render/decaBuffers';
import type { BufferCodes, BufferImages } from '../workers/bufferProtocol';

/**
 * DiffusionRig's buffers for a set of codes, via the shared FLAME math and TypeScript
 * rasteriser, turned into displayable RGBA: rendered and albedo clamped to [0, 1], normals
 * mapped from [−1, 1] to colour; background black as in the buffers themselves.
 */
export class BufferRenderer {
  private readonly evaluator: FlameEvaluator;
  private buffers: DecaBuffers | null = null;
  private fragments: Fragments | null = null;

  constructor(private readonly model: FlameModel, private readonly albedo: Texture | null) {
    this.evaluator = new FlameEvaluator(model);
  }

  render(codes: BufferCodes, size: number): BufferImages {
    const { model } = this;
    if (!this.buffers || this.buffers.width !== size) {
      this.buffers = createDecaBuffers(size);
      this.fragments = createFragments(size);
    }
    const frame = this.evaluator.evaluate(
      { shape: codes.shape.subarray(0, model.shapeCount), expression: codes.expression.subarray(0, model.expressionCount), pose: codes.pose, camera: codes.camera, light: codes.light },
      { landmarks: false, projection: true, shading: false },
    );
    const buffers = renderDecaBuffers(
      { projected: frame.projected, normals: frame.normals, faces: model.faces, light: codes.light, uv: model.uv, texture: this.albedo ?? undefined },
      this.buffers,
      this.fragments ?? undefined,
    );
    const count = size * size;
    const rendered = new Uint8ClampedArray(count * 4);
    const normal = new Uint8ClampedArray(count * 4);
    const albedo = new Uint8ClampedArray(count * 4);
    let coverage = 0;
    for (let p = 0; p < count; p++) {
      const o = p * 3;
      const q = p * 4;
      const covered = buffers.mask[p] > 0;
      if (covered) coverage++;
      for (let c = 0; c < 3; c++) {
        // Uint8ClampedArray clamps; rounding matches canvas conventions.
        rendered[q + c] = buffers.rendered[o + c] * 255;
        albedo[q + c] = buffers.albedo[o + c] * 255;
        normal[q + c] = covered ? (buffers.normal[o + c] * 0.5 + 0.5) * 255 : 0;
      }
      rendered[q + 3] = normal[q + 3] = albedo[q + 3] = 255;
    }
    return { rendered, normal, albedo, coverage };
  }
}
