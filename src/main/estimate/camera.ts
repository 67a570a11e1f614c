/**
 * DECA's orthographic camera in different image frames. A code's camera (s, tx, ty) maps a
 * model point to pixels of a `size`² image as px = s(x + tx)·size/2 + size/2 and
 * py = −s(y + ty)·size/2 + size/2. When one image is an axis-aligned scale + shift of another
 * (DECA's crop of the FFHQ-aligned image is), the same head has a camera in each frame.
 */
import type { Affine } from '../face/geometry';

/**
 * The camera of the same projection in another frame: `transform` maps pixels of the `from`
 * image (side `fromSize`) to the `to` image (side `toSize`); it must be a uniform scale plus
 * shift (no rotation), as DECA's crop is.
 */
export function cameraToFrame(cam: ArrayLike<number>, fromSize: number, transform: Affine, toSize: number): Float64Array {
  const [k, b, dx, c, k2, dy] = transform;
  if (Math.abs(b) > 1e-9 || Math.abs(c) > 1e-9 || Math.abs(k - k2) > 1e-9 * Math.abs(k)) {
    throw new Error('camera frames must differ by a uniform scale and shift');
  }
  const [s, tx, ty] = [cam[0], cam[1], cam[2]];
  const hf = fromSize / 2;
  const ht = toSize / 2;
  // px_to = k·(s(x + tx)·hf + hf) + dx = s'(x + tx')·ht + ht
  const s2 = (s * hf * k) / ht;
  const tx2 = (k * (s * tx * hf + hf) + dx - ht) / (s2 * ht);
  // py_to = k·(−s(y + ty)·hf + hf) + dy = −s'(y + ty')·ht + ht
  const ty2 = (ht - (k * (-s * ty * hf + hf) + dy)) / (s2 * ht);
  return Float64Array.of(s2, tx2, ty2);
}
