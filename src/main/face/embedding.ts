/**
 * Face identity embedding from the face-description model shipped with @vladmandic/human
 * (HSE FaceRes, a MobileNet trained for face recognition plus age and gender heads): a 224×224
 * RGB face in [0, 255] → its 1024-d pooled features, the descriptor human compares faces with.
 *
 * It runs on the FFHQ-aligned crop (roll removed, as human feeds it a straightened face), cut
 * to a square around the 68 landmarks' box grown by `embeddingFaceScale`. Two faces are
 * compared by the cosine of their embeddings.
 */
import type { ModelSession, OnnxBackend } from '../nn/backend';
import { boundingBox, squareCropTransform } from './geometry';
import type { RgbImage } from './image';
import { resampleAffine } from './image';
import { faceModels, loadFaceModel } from './models';

/** Side of the embedding crop relative to the larger side of the landmark box. */
export const embeddingFaceScale = 1.3;

const side = faceModels.faceres.inputShape[2];

/** Runs the embedding model; the session is loaded once per backend. */
export class FaceEmbedder {
  private session: Promise<ModelSession> | undefined;

  constructor(
    private readonly backend: OnnxBackend,
    private readonly cacheDir?: string,
  ) {}

  /** 1024-d embedding of the face with these 68 landmarks (in `image` pixels, e.g. the aligned crop). */
  async embed(image: RgbImage, landmarks68: readonly (readonly number[])[]): Promise<Float32Array> {
    this.session ??= loadFaceModel(this.backend, faceModels.faceres, this.cacheDir);
    const session = await this.session;
    const input = embeddingInput(image, landmarks68);
    const out = await session.run({ [session.inputNames[0]]: { dtype: 'float32', shape: faceModels.faceres.inputShape, data: input } });
    return Float32Array.from(out[faceModels.faceres.outputs.embedding].data as Float32Array);
  }
}

/** The model's NCHW 224² input in [0, 255]: a square around the landmarks, grown by `embeddingFaceScale`. */
export function embeddingInput(image: RgbImage, landmarks68: readonly (readonly number[])[]): Float32Array {
  const box = boundingBox(landmarks68);
  const size = Math.max(box.width, box.height) * embeddingFaceScale;
  const transform = squareCropTransform([box.x + box.width / 2, box.y + box.height / 2], size, 0, side);
  const crop = resampleAffine(image, transform, side, side, 'edge');
  const plane = side * side;
  const data = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) for (let c = 0; c < 3; c++) data[c * plane + i] = crop.data[3 * i + c];
  return data;
}

/** Cosine similarity of two embeddings (1 = same direction); throws on a length mismatch. */
export function cosineSimilarity(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`embeddings of different lengths (${a.length} and ${b.length})`);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}
