import { z } from 'zod';
import { channel } from './channel';
import { flameCodesSchema } from './edit';

// Textured 3D head export: the fitted head of a photo (or of an edit result) with a
// UV texture sampled from the aligned photo through the fitted camera, as DECA extracts it.

/** 'obj' is OBJ + MTL + PNG delivered as one .zip; 'glb' and 'gltf' embed the texture. */
export const headExportFormats = Object.freeze(['obj', 'glb', 'gltf'] as const);
export type HeadExportFormatName = (typeof headExportFormats)[number];

/** Where the texture's texels came from (counts of texels). */
export interface TextureSummary {
  /** Side of the square UV texture. */
  textureSize: number;
  /** Seen in the photo (visible through the fitted camera). */
  photo: number;
  /** Not seen, filled from the mirror texel (left/right symmetry). */
  mirror: number;
  /** Not seen, filled from the head model's albedo (colour-matched). */
  albedo: number;
  /** Filled by diffusion from the texels around (including outside the UV islands). */
  spread: number;
  /** Texels inside the UV islands. */
  inside: number;
}

/** An exported head as a browser download. */
export interface HeadExportFile {
  fileName: string;
  mime: string;
  base64: string;
  /** What was exported, in words (photo or result, head model). */
  description: string;
  texture: TextureSummary;
}

const id = z.number().int().positive();

export const exportContract = {
  /**
   * Bakes and returns the textured head of a photo (its codes in use over its aligned crop) or
   * of an edit result (its codes over its generated image); `photoId` may be omitted with
   * `resultId`. Needs an open project and an estimated photo.
   */
  'export.head': channel<HeadExportFile>()(
    z
      .object({
        photoId: id.nullish(),
        resultId: id.nullish(),
        format: z.enum(headExportFormats),
        /** With photoId: pose the head with these codes (e.g. the viewport's sliders) instead of the photo's codes in use. */
        codes: flameCodesSchema.optional(),
        textureSize: z.number().int().min(64).max(2048).optional(),
      })
      .refine((p) => Boolean(p.photoId || p.resultId), { message: 'give photoId or resultId' })
      .refine((p) => !(p.codes && p.resultId), { message: 'codes go with a photo, not with an edit result (which has its own)' }),
  ),
};
