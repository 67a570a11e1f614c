import { describe, expect, it } from 'vitest';
import { verifiers } from '../../../src/main/cli/verifiers';
import { sharedPath } from '../../helpers/shared';

describe('diffusionrig-training verifier', () => {
  const verifier = verifiers.find((v) => v.name === 'diffusionrig-training');

  it('is registered with verify-fixture', () => {
    expect(verifier).toBeDefined();
  });

  it('recognises a directory with the training references and a checkpoint, and nothing else', () => {
    expect(verifier!.recognises(sharedPath('fixtures', 'diffusionrig-a'))).toBe(true);
    expect(verifier!.recognises(sharedPath('fixtures', 'deca-a'))).toBe(false);
    expect(verifier!.recognises(sharedPath('fixtures', 'flame-synthetic'))).toBe(false);
  });
});
