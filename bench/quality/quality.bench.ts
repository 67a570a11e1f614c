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
 * 0: upstream's released sampling from shared noise), QUALITY_SAMPLERS (the sampler row: samplers
 * measured in the same run over the same edits, default 'ddim:20,dpm++:10,dpm++:20'; '' skips
 * it), QUALITY_TABLE=0 (skip the main table: the sampler row alone). Prints the tables; asserts
 * nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'vitest';
import { parseSamplerSpec, samplerLabel } from '../../src/common/contract/edit';
import { formatQualityTable, measureEditQuality } from '../../src/main/evaluate/quality';
import { passesPerEdit } from '../../src/main/diffusion/generate';
import { heldOutDemo } from '../../test/helpers/heldOutDemo';

const sources = Number(process.env.QUALITY_SOURCES ?? 4);
const targets = Number(process.env.QUALITY_TARGETS ?? 4);
const seed = Number(process.env.QUALITY_SEED ?? 101);
const steps = Number(process.env.QUALITY_STEPS ?? 20);
const inversion = process.env.QUALITY_INVERSION !== '0';
const mainTable = process.env.QUALITY_TABLE !== '0';
const samplers = (process.env.QUALITY_SAMPLERS ?? 'ddim:20,dpm++:10,dpm++:20')
  .split(',')
  .filter((t) => t.trim() !== '')
  .map((text) => {
    const parsed = parseSamplerSpec(text);
    if (typeof parsed === 'string') throw new Error(`QUALITY_SAMPLERS: ${parsed}`);
    return parsed;
  });

it('edit quality of the Demo base model against ground truth', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rig-quality-'));
  const demo = await heldOutDemo(dir, { seed, count: sources + targets });
  try {
    if (!demo.model) throw new Error('no Demo base model in resources/demo-model (train it with npm run demo-model)');
    const px = (v: number | null) => (v === null ? 'no face' : `${v.toFixed(2)} px`);
    if (mainTable) {
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
      console.log(
        `quality ${report.imageSize}px exp+pose+light: landmarks ${px(all('edit').landmarkError)} (unedited source ${px(all('source').landmarkError)}, buffer ${px(all('buffer').landmarkError)}), ` +
          `face found in ${all('edit').cells - all('edit').noFace}/${all('edit').cells}, PSNR ${all('edit').psnr.toFixed(2)} dB (source ${all('source').psnr.toFixed(2)} dB)`,
      );
    }

    // the sampler row: the same edits with each sampler, from the same noise (inversion or seed)
    if (samplers.length > 0) {
      const lines = [`\nsamplers (exp+pose+light and all mode sets, ${inversion ? 'from the inversion of the source' : 'from shared noise'}):`, 'sampler | passes/edit | s/edit | PSNR all | SSIM all | landmarks all | PSNR mean over modes | PSNR per mode set'];
      for (const choice of samplers) {
        const sampler = { ...choice, eta: 0, seed: 0, clip: true, inversion };
        const t0 = performance.now();
        const measured = await measureEditQuality(demo.deps, { modelId: demo.model.id, sources: demo.photos.slice(0, sources), targets: demo.photos.slice(sources, sources + targets), sampler });
        const perEdit = (performance.now() - t0) / 1000 / measured.cells.length;
        const edits = measured.rows.filter((r) => r.method === 'edit');
        const combined = edits.find((r) => r.modes === 'exp+pose+light')!;
        const meanPsnr = edits.reduce((a, r) => a + r.psnr, 0) / edits.length;
        lines.push(`${samplerLabel(sampler)} | ${passesPerEdit(sampler)} | ${perEdit.toFixed(2)} | ${combined.psnr.toFixed(2)} dB | ${combined.ssim.toFixed(3)} | ${px(combined.landmarkError)} | ${meanPsnr.toFixed(2)} dB | ${edits.map((r) => `${r.modes} ${r.psnr.toFixed(2)}`).join(', ')}`);
      }
      console.log(lines.join('\n'));
    }
  } finally {
    await demo.backend.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
