/**
 * bench/quality: how good the Demo base model's edits are, measured against ground truth.
 * Held-out demo photos (a dataset seed the model never saw) are edited source × target for
 * expression, pose, light and all three combined, through the Edit view's own job; each result
 * is compared with the exact render of the edited codes over the source's background
 * (src/main/evaluate/quality.ts), next to two baselines measured in the same run: the unedited
 * source, and DECA's rendered buffer of the edited codes composited on the source.
 *
 *   npm run bench -- quality
 *
 * Knobs: QUALITY_SOURCES (default 4), QUALITY_TARGETS (4), QUALITY_SEED (dataset seed, 101),
 * QUALITY_STEPS (DDIM steps, 20), QUALITY_INVERSION (1: invert the source first, the default;
 * 0: upstream's released sampling from shared noise). Prints the table; asserts nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'vitest';
import { formatQualityTable, measureEditQuality } from '../../src/main/evaluate/quality';
import { heldOutDemo } from '../../test/helpers/heldOutDemo';

const sources = Number(process.env.QUALITY_SOURCES ?? 4);
const targets = Number(process.env.QUALITY_TARGETS ?? 4);
const seed = Number(process.env.QUALITY_SEED ?? 101);
const steps = Number(process.env.QUALITY_STEPS ?? 20);
const inversion = process.env.QUALITY_INVERSION !== '0';

it('edit quality of the Demo base model against ground truth', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rig-quality-'));
  const demo = await heldOutDemo(dir, { seed, count: sources + targets });
  try {
    if (!demo.model) throw new Error('no Demo base model in resources/demo-model (train it with npm run demo-model)');
    const started = performance.now();
    const report = await measureEditQuality(demo.deps, {
      modelId: demo.model.id,
      sources: demo.photos.slice(0, sources),
      targets: demo.photos.slice(sources, sources + targets),
      sampler: { steps, eta: 0, seed: 0, clip: true, inversion },
      expression: true,
    });
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `\nedit quality: Demo base model (${demo.model.parameterCount.toLocaleString('en')} parameters) at ${report.imageSize} px, ${sources} sources × ${targets} targets of held-out demo seed ${seed}, ` +
        `DDIM ${steps}${inversion ? ' with inversion' : ' from shared noise'}; PSNR/SSIM inside the expected face mask; landmarks: detected vs expected, px at ${report.imageSize} px; ` +
        `identity: similarity to the source; emotion: agreement with the target; exp error: RMSE of exp + jaw re-estimated by landmark fitting against the edit's exact codes (the source row is the floor), sampler ${report.sampler.name} ${report.sampler.steps}\n`,
    );
    console.log(formatQualityTable(report));
    console.log(`\n${report.cells.length} edits in ${seconds.toFixed(0)} s`);
    const all = (method: string) => report.rows.find((r) => r.modes === 'exp+pose+light' && r.method === method)!;
    const px = (v: number | null) => (v === null ? 'no face' : `${v.toFixed(2)} px`);
    console.log(
      `quality ${report.imageSize}px exp+pose+light: landmarks ${px(all('edit').landmarkError)} (unedited source ${px(all('source').landmarkError)}, buffer ${px(all('buffer').landmarkError)}), ` +
        `face found in ${all('edit').cells - all('edit').noFace}/${all('edit').cells}, PSNR ${all('edit').psnr.toFixed(2)} dB (source ${all('source').psnr.toFixed(2)} dB)`,
    );
  } finally {
    await demo.backend.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
