import { describe, expect, it } from 'vitest';
import { verifyFlameFixture } from '../../../src/main/flame/fixtureVerifier';
import { sharedPath } from '../../helpers/shared';

describe('FLAME against DECA reference outputs', () => {
  it('matches vertices, landmarks, normals, projection and shading within 1e-5 relative', async () => {
    const checks = await verifyFlameFixture(sharedPath('fixtures', 'flame-synthetic'), sharedPath('deca-data', 'landmark_embedding.npy'));
    console.log(checks.map((c) => `${c.name}: ${c.worstRelativeError.toExponential(2)}`).join('\n'));
    const worst = Object.fromEntries(checks.map((c) => [c.name, c.worstRelativeError]));
    expect(Object.keys(worst)).toEqual([
      'vertices', 'landmarks2d', 'landmarks3d', 'vertex_normals', 'vertex_normals@reference_vertices',
      'projected', 'vertex_shading', 'vertex_shading@reference_normals',
    ]);
    for (const name of ['vertices', 'landmarks2d', 'landmarks3d', 'projected', 'vertex_normals@reference_vertices', 'vertex_shading@reference_normals']) {
      expect(worst[name], name).toBeLessThanOrEqual(1e-5);
    }
    // End-to-end normals inherit the reference's float32 vertex rounding on ill-conditioned vertices.
    expect(worst.vertex_normals).toBeLessThanOrEqual(1e-3);
    expect(worst.vertex_shading).toBeLessThanOrEqual(1e-3);
    expect(checks.every((c) => c.ok)).toBe(true);
  });
});
