/**
 * DiffusionRig's physical buffers for a set of FLAME codes, rendered with the shared rasteriser
 * (src/common/render, through the FLAME render task in a worker thread) at the model's size,
 * with the active head model (the researcher's FLAME from Settings, else the demo head).
 */
import type { FlameCodes } from '../../common/flame/codes';
import type { Texture } from '../../common/render/decaBuffers';
import { toPlanar } from '../../common/render/decaBuffers';
import { FlameRenderService, type FlameTasks } from '../flame/renderTask';
import type { TaskPool } from '../jobs/pool';
import type { ActiveHeadModel } from '../head/activeModel';

/** Buffers of one code set: [9, S, S] planar (rendered, normal, albedo) and the projected 68 landmarks. */
export interface PhysicalBuffers {
  size: number;
  physical: Float32Array;
  /** 68 × 2 landmark pixels of the rendered head (empty without a landmark embedding). */
  landmarks: Float64Array;
}

/** Renders physical buffers through the worker pool. */
export class PhysicalRenderer {
  private readonly service: FlameRenderService;
  private texture: Texture | null | undefined;

  constructor(
    pool: Pick<TaskPool<FlameTasks>, 'run'>,
    readonly head: ActiveHeadModel,
  ) {
    this.service = new FlameRenderService(pool);
  }

  private albedoTexture(): Texture | null {
    if (this.texture !== undefined) return this.texture;
    const albedo = this.head.albedo;
    this.texture = albedo ? { width: albedo.width, height: albedo.height, data: Float32Array.from(albedo.rgb, (v) => v / 255) } : null;
    return this.texture;
  }

  /** The buffers for `codes` at `size`². */
  async render(codes: FlameCodes, size: number): Promise<PhysicalBuffers> {
    const result = await this.service.render(`edit:${this.head.key}`, this.head.model, codes, { size, texture: this.albedoTexture() });
    const { buffers } = result;
    const plane = 3 * size * size;
    const physical = new Float32Array(3 * plane);
    toPlanar(buffers.rendered, size, size, 3, physical.subarray(0, plane));
    toPlanar(buffers.normal, size, size, 3, physical.subarray(plane, 2 * plane));
    toPlanar(buffers.albedo, size, size, 3, physical.subarray(2 * plane));
    return { size, physical, landmarks: result.landmarks };
  }
}
