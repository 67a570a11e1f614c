import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { OnnxBackend } from '../../../src/main/nn/backend';
import { readNpz } from '../../../src/main/io/npy';
import { CodeEstimator, loadDecaModel } from '../../../src/main/estimate/deca';
import { codeLayout } from '../../../src/common/flame/codes';
import { worstRelativeError } from '../../../src/main/core/verifier';
import { sharedPath } from '../../helpers/shared';

describe('DECA E_flame from deca-a/deca_model.tar', () => {
  it('reproduces io.npz code (float16 storages widened)', async () => {
    const model = loadDecaModel(sharedPath('fixtures', 'deca-a', 'deca_model.tar'));
    expect(model.estimator).toBe('deca');
    expect(model.version).toMatch(/^deca_model\.tar@[0-9a-f]{12}$/);
    const io = readNpz(readFileSync(sharedPath('fixtures', 'deca-a', 'io.npz')), 'io.npz');
    const image = io.get('image')!;
    expect(image.shape).toEqual([1, 3, 224, 224]);
    const estimator = new CodeEstimator(new OnnxBackend({ providers: ['cpu'] }), model);
    const code = await estimator.estimate(Float32Array.from(image.data as Float32Array));
    const ref = Float32Array.from(io.get('code')!.data as Float32Array);
    const worst = worstRelativeError(code, ref);
    console.log(`DECA code worst relative error ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-4);
    for (const [name, [offset, length]] of Object.entries(codeLayout)) {
      const part = io.get(name)!;
      const err = worstRelativeError(code.subarray(offset, offset + length), Float32Array.from(part.data as Float32Array));
      console.log(`  ${name}: ${err.toExponential(2)}`);
      expect(err).toBeLessThan(1e-4);
    }
  });
});

describe('deca fixture verifier', () => {
  it('recognises deca-a and only directories with both files; rejects an io.npz without code', async () => {
    const { decaFixtureVerifier } = await import('../../../src/main/estimate/fixtureVerifier');
    const { verifiers } = await import('../../../src/main/cli/verifiers');
    expect(verifiers).toContain(decaFixtureVerifier);
    expect(decaFixtureVerifier.recognises(sharedPath('fixtures', 'deca-a'))).toBe(true);
    expect(decaFixtureVerifier.recognises(sharedPath('fixtures', 'flame-synthetic'))).toBe(false);
    const { mkdtempSync, writeFileSync, copyFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { writeNpz } = await import('../../../src/main/io/npy');
    const dir = mkdtempSync(join(tmpdir(), 'deca-bad-'));
    copyFileSync(sharedPath('fixtures', 'deca-a', 'deca_model.tar'), join(dir, 'deca_model.tar'));
    writeFileSync(join(dir, 'io.npz'), writeNpz({ image: { dtype: 'float32', shape: [1, 3, 224, 224], data: new Float32Array(3 * 224 * 224) } }));
    await expect(decaFixtureVerifier.verify(dir, {})).rejects.toThrow(/io\.npz: needs arrays 'image' and 'code'/);
  });
});
