/**
 * BlazeFace box decoding: the anchor grid, regression outputs → boxes and six keypoints, and
 * non-maximum suppression.
 *
 * Facts (MediaPipe BlazeFace "back" model as shipped by @vladmandic/human, 256×256 input in
 * [−1, 1]): 896 anchors, first a 16×16 grid (stride 16) with 2 anchors per cell, then an 8×8
 * grid (stride 32) with 6 per cell, each at its cell centre in input pixels. Per anchor the net
 * gives a score logit and 16 regressors: box centre offset (x, y) from the anchor, box size
 * (w, h), then 6 keypoints (x, y) as offsets from the anchor — all in input pixels. Keypoints:
 * right eye, left eye, nose, mouth, right ear, left ear (subject's sides).
 */
import type { Box, Point } from './geometry';
import { iou } from './geometry';

/** One decoded candidate in detector-input pixels. */
export interface Candidate {
  box: Box;
  score: number;
  keypoints: Point[];
}

/** Anchor centres for a square input of `size` pixels (the 896 of the 256 model). */
export function blazeFaceAnchors(size: number): Point[] {
  const layers = [
    { stride: size / 16, perCell: 2 },
    { stride: size / 8, perCell: 6 },
  ];
  const anchors: Point[] = [];
  for (const { stride, perCell } of layers) {
    const cells = Math.ceil(size / stride);
    for (let gy = 0; gy < cells; gy++) {
      for (let gx = 0; gx < cells; gx++) {
        for (let k = 0; k < perCell; k++) anchors.push([stride * (gx + 0.5), stride * (gy + 0.5)]);
      }
    }
  }
  return anchors;
}

/**
 * Decodes raw outputs: `regressors` holds 16 values per anchor, `logits` one, both in anchor
 * order. Candidates below `minScore` are dropped.
 */
export function decodeBlazeFace(regressors: Float32Array, logits: Float32Array, anchors: readonly Point[], minScore: number): Candidate[] {
  if (logits.length !== anchors.length || regressors.length !== anchors.length * 16) {
    throw new Error(`BlazeFace outputs do not match ${anchors.length} anchors (${logits.length} scores, ${regressors.length / 16} boxes)`);
  }
  const out: Candidate[] = [];
  for (let i = 0; i < anchors.length; i++) {
    const score = 1 / (1 + Math.exp(-logits[i]));
    if (!(score >= minScore)) continue;
    const r = regressors.subarray(i * 16, i * 16 + 16);
    const [ax, ay] = anchors[i];
    const cx = ax + r[0];
    const cy = ay + r[1];
    const w = r[2];
    const h = r[3];
    const keypoints: Point[] = [];
    for (let k = 0; k < 6; k++) keypoints.push([ax + r[4 + 2 * k], ay + r[5 + 2 * k]]);
    out.push({ box: { x: cx - w / 2, y: cy - h / 2, width: w, height: h }, score, keypoints });
  }
  return out;
}

/**
 * Greedy non-maximum suppression: highest score first; a candidate overlapping a kept one by
 * more than `iouThreshold` is merged away. Kept candidates are averaged with the ones they
 * suppress, weighted by score (MediaPipe's "weighted" NMS), which steadies the box.
 */
export function nonMaxSuppression(candidates: readonly Candidate[], iouThreshold: number, maxResults: number): Candidate[] {
  const sorted = [...candidates].sort((a, b) => b.score - a.score);
  const used = new Array<boolean>(sorted.length).fill(false);
  const kept: Candidate[] = [];
  for (let i = 0; i < sorted.length && kept.length < maxResults; i++) {
    if (used[i]) continue;
    const group: Candidate[] = [];
    for (let j = i; j < sorted.length; j++) {
      if (used[j]) continue;
      if (j === i || iou(sorted[i].box, sorted[j].box) > iouThreshold) {
        used[j] = true;
        group.push(sorted[j]);
      }
    }
    kept.push(weightedMean(group));
  }
  return kept;
}

function weightedMean(group: Candidate[]): Candidate {
  const total = group.reduce((s, c) => s + c.score, 0);
  const box = { x: 0, y: 0, width: 0, height: 0 };
  const keypoints: Point[] = group[0].keypoints.map(() => [0, 0]);
  for (const c of group) {
    const w = c.score / total;
    box.x += w * c.box.x;
    box.y += w * c.box.y;
    box.width += w * c.box.width;
    box.height += w * c.box.height;
    c.keypoints.forEach((p, k) => {
      keypoints[k][0] += w * p[0];
      keypoints[k][1] += w * p[1];
    });
  }
  return { box, score: group[0].score, keypoints };
}
