/**
 * Edit quality against ground truth, in the demo world: every demo photo is a render of the demo
 * head with known codes over a known background, so the right answer of an edit can be rendered
 * exactly (expected.ts). For each held-out source × target × mode set this runs a real edit job
 * (the Edit view's path: estimates → buffers → DDIM in the compute host → stored results), renders
 * the expected image at the model's size, and scores three images against it:
 * - `edit`: the generated image;
 * - `source`: the unedited source (what doing nothing scores);
 * - `buffer`: DECA's rendered buffer of the edited codes composited on the source (what the
 *   conditioning alone, without the diffusion model, scores).
 * Scores: PSNR and SSIM inside the expected face mask, and through the app's face scorer (the
 * same detector as Edit's scores) the landmark error in pixels between the image's detected 68
 * landmarks and the expected render's, the identity similarity to the source and the emotion
 * agreement with the target; with `expression`, the expression error (exp + jaw re-estimated by
 * landmark fitting on the demo head, RMSE against the edit's exact codes; the unedited source's
 * is the floor). Used by bench/quality and its test.
 */
import sharp from 'sharp';
import type { EditMode, EditResultInfo, EditScores, SamplerSettings } from '../../common/contract/edit';
import type { JobInfo } from '../../common/contract/jobs';
import type { DemoScene } from '../app/demo/scenes';
import { headTexture, renderDemoScene } from '../app/demo/render';
import type { EditService } from '../edit/service';
import type { Engine } from '../engine/client';
import type { EditHostTasks } from '../edit/hostTasks';
import type { FlameRenderService } from '../flame/renderTask';
import type { ActiveHeadModel } from '../head/activeModel';
import { expectedEditScene } from './expected';
import { maskedPsnr, maskedSsim, type Rgb8 } from './metrics';
import { expressionVector } from '../edit/expression';

/** The mode sets bench/quality reports: each field alone and all three together. */
export const qualityModeSets: readonly (readonly EditMode[])[] = [['exp'], ['pose'], ['light'], ['exp', 'pose', 'light']];

/** A held-out demo photo: its id in the project and the scene it was rendered from. */
export interface QualityPhoto {
  photoId: number;
  scene: DemoScene;
}

/** What is scored. */
export type QualityMethod = 'edit' | 'source' | 'buffer';

/** Scores of one image against the expected one. */
export interface QualityScores {
  psnr: number;
  ssim: number;
  landmarkError: number | null;
  identity: number | null;
  emotion: number | null;
  /** RMSE of the expression and jaw landmark fitting (demo head) finds in the image against the edit's exact codes; absent unless asked for. */
  expressionError?: number | null;
}

/** One cell: the mode set, the pair and each method's scores. */
export interface QualityCell {
  modes: string;
  sourcePhotoId: number;
  targetPhotoId: number;
  scores: Record<QualityMethod, QualityScores>;
}

/** Means over cells per mode set and method (null: no cell had the score). */
export interface QualityRow {
  modes: string;
  method: QualityMethod;
  cells: number;
  psnr: number;
  ssim: number;
  landmarkError: number | null;
  /** Cells where the detector found no face (no landmark error). */
  noFace: number;
  identity: number | null;
  emotion: number | null;
  /** Mean expression error (null: not measured, or no cell had it). */
  expressionError: number | null;
}

export interface QualityReport {
  jobId: number;
  imageSize: number;
  /** The sampler the edits ran with ('ddim' until samplers have names). */
  sampler: { name: string; steps: number };
  cells: QualityCell[];
  rows: QualityRow[];
}

/** What a measurement needs from the open project and the app. */
export interface QualityDeps {
  edit: EditService;
  waitJob: (jobId: number) => Promise<JobInfo>;
  /** The compute host (the face scorer runs there). */
  engine: Engine<EditHostTasks>;
  render: FlameRenderService;
  /** The demo head the photos were rendered with. */
  head: ActiveHeadModel;
  /** Absolute path of a project-relative file. */
  file: (relativePath: string) => string;
}

async function decode(png: Buffer): Promise<Rgb8> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data) };
}

/** m · a + (1 − m) · b per pixel. */
function blend(a: Rgb8, b: Rgb8, mask: Float32Array): Rgb8 {
  const data = new Uint8Array(a.data.length);
  for (let p = 0; p < mask.length; p++) {
    for (let c = 0; c < 3; c++) data[3 * p + c] = Math.round(mask[p] * a.data[3 * p + c] + (1 - mask[p]) * b.data[3 * p + c]);
  }
  return { width: a.width, height: a.height, data };
}

function flat(points: readonly (readonly [number, number])[]): Float64Array {
  return Float64Array.from(points.flat());
}

/**
 * Generates every source × target × mode-set edit in one edit job (shape codes are each
 * photo's own: the held-out photos are many identities) and scores it and both baselines.
 */
export async function measureEditQuality(
  deps: QualityDeps,
  params: {
    modelId: number;
    sources: QualityPhoto[];
    targets: QualityPhoto[];
    modeSets?: readonly (readonly EditMode[])[];
    sampler: SamplerSettings;
    imageSize?: number;
    batchSize?: number;
    /** Also the expression error of each image (landmark fitting, about a second per image on a CPU). */
    expression?: boolean;
  },
): Promise<QualityReport> {
  const modeSets = params.modeSets ?? qualityModeSets;
  const scenes = new Map([...params.sources, ...params.targets].map((p) => [p.photoId, p.scene]));
  const { jobId } = deps.edit.start({
    modelId: params.modelId,
    sourcePhotoIds: params.sources.map((p) => p.photoId),
    targetPhotoIds: params.targets.map((p) => p.photoId),
    modes: modeSets.map((m) => m.join('+')),
    meanShape: false,
    sampler: params.sampler,
    imageSize: params.imageSize,
    batchSize: params.batchSize ?? 4,
    scores: true,
    // measured below (when asked) on every method's image, with the demo head's fitting
    expressionEstimator: 'none',
  });
  const info = await deps.waitJob(jobId);
  const view = deps.edit.job(jobId);
  const failed = view.cells.filter((c) => c.state !== 'done');
  if (info.state !== 'done' || failed.length > 0) throw new Error(`edit job ${jobId} ${info.state}: ${failed.map((c) => c.error ?? c.state).join('; ') || info.message}`);
  const texture = headTexture(deps.head);
  const cells: QualityCell[] = [];
  // the unedited source at the model's size, rendered once per source (not once per cell)
  const sourceRenders = new Map<string, Rgb8>();
  let imageSize = 0;
  for (const result of view.results) {
    const source = scenes.get(result.sourcePhotoId!)!;
    const target = scenes.get(result.targetPhotoId!)!;
    const modes = result.modes.split('+') as EditMode[];
    const generated = await decode(deps.edit.editor.store.readImage(result.imageHash));
    const size = generated.width;
    imageSize = size;
    const expected = await renderDemoScene(deps.render, deps.head, texture, expectedEditScene(source, target, modes), size);
    const expectedImage = await decode(expected.png);
    const sourceKey = `${result.sourcePhotoId}@${size}`;
    let sourceImage = sourceRenders.get(sourceKey);
    if (!sourceImage) sourceRenders.set(sourceKey, (sourceImage = await decode((await renderDemoScene(deps.render, deps.head, texture, source, size)).png)));
    const buffer = await decode(deps.edit.editor.store.readImage(result.provenance.bufferImages.rendered));
    const images: Record<QualityMethod, Rgb8> = { edit: generated, source: sourceImage, buffer: blend(buffer, sourceImage, expected.mask) };
    const scores = {} as Record<QualityMethod, QualityScores>;
    for (const method of ['edit', 'source', 'buffer'] as const) {
      const image = images[method];
      const faces = await score(deps, result, image, flat(expected.landmarks), params.expression ?? false);
      scores[method] = { psnr: maskedPsnr(image, expectedImage, expected.mask), ssim: maskedSsim(image, expectedImage, expected.mask), landmarkError: faces.landmarkError, identity: faces.identity, emotion: faces.emotion };
      if (params.expression) scores[method].expressionError = faces.expressionError ?? null;
    }
    cells.push({ modes: result.modes, sourcePhotoId: result.sourcePhotoId!, targetPhotoId: result.targetPhotoId!, scores });
  }
  const sampler: SamplerSettings = params.sampler;
  return { jobId, imageSize, sampler: { name: sampler.method ?? 'ddim', steps: sampler.steps }, cells, rows: summarise(cells) };
}

/** The demo photos are renders of the demo head: landmark fitting on it recovers their codes. */
const demoFitting = { kind: 'fit' as const, flameModel: null, decaDataDir: null };

function score(deps: QualityDeps, result: EditResultInfo, image: Rgb8, expectedLandmarks: Float64Array, expression: boolean): Promise<EditScores> {
  const p = result.provenance;
  return deps.engine.request('score', {
    generated: image,
    sourcePath: deps.file(p.sourceImage.file),
    targetPath: p.targetImage ? deps.file(p.targetImage.file) : null,
    editedLandmarks: expectedLandmarks,
    ...(expression ? { expression: { spec: demoFitting, estimator: 'fit', requested: expressionVector(p.codes) } } : {}),
  });
}

function mean(values: (number | null)[]): number | null {
  const known = values.filter((v): v is number => v !== null && Number.isFinite(v));
  return known.length ? known.reduce((a, b) => a + b, 0) / known.length : null;
}

/** Means per mode set and method, in the order the cells came. */
export function summarise(cells: QualityCell[]): QualityRow[] {
  const rows: QualityRow[] = [];
  for (const modes of [...new Set(cells.map((c) => c.modes))]) {
    const mine = cells.filter((c) => c.modes === modes);
    for (const method of ['edit', 'source', 'buffer'] as const) {
      const s = mine.map((c) => c.scores[method]);
      rows.push({
        modes,
        method,
        cells: mine.length,
        // PSNR of identical images is Infinity: averaged as 99 dB so one such cell cannot hide the rest
        psnr: mean(s.map((x) => Math.min(x.psnr, 99)))!,
        ssim: mean(s.map((x) => x.ssim))!,
        landmarkError: mean(s.map((x) => x.landmarkError)),
        noFace: s.filter((x) => x.landmarkError === null).length,
        identity: mean(s.map((x) => x.identity)),
        emotion: mean(s.map((x) => x.emotion)),
        expressionError: mean(s.map((x) => x.expressionError ?? null)),
      });
    }
  }
  return rows;
}

/** The report as a fixed-width table. */
export function formatQualityTable(report: QualityReport): string {
  const head = ['modes', 'method', 'cells', 'PSNR dB', 'SSIM', 'landmarks px', 'no face', 'identity', 'emotion', 'exp error'];
  const fmt = (v: number | null, digits: number) => (v === null ? '–' : v.toFixed(digits));
  const lines = report.rows.map((r) => [r.modes, r.method, String(r.cells), fmt(r.psnr, 2), fmt(r.ssim, 3), fmt(r.landmarkError, 2), String(r.noFace), fmt(r.identity, 3), fmt(r.emotion, 3), fmt(r.expressionError, 3)]);
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const row = (cols: string[]) => cols.map((c, i) => c.padEnd(widths[i])).join('  ');
  return [row(head), row(widths.map((w) => '-'.repeat(w))), ...lines.map(row)].join('\n');
}

