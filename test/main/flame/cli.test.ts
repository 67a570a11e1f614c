import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/main/cli/main';
import { writeNpz } from '../../../src/main/io/npy';
import { parseObj } from '../../../src/main/io/obj';
import { sharedPath } from '../../helpers/shared';

const demo = resolve(__dirname, '..', '..', '..', 'resources', 'demo-head', 'demo_head.npz');

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('rig-studio verify-fixture (flame)', () => {
  it('reports every FLAME output within tolerance as JSON and exits 0', async () => {
    const result = await run('verify-fixture', sharedPath('fixtures', 'flame-synthetic'), '--json', '--landmarks', sharedPath('deca-data', 'landmark_embedding.npy'));
    expect(result.code).toBe(0);
    const report = JSON.parse(result.out);
    expect(report.ok).toBe(true);
    const names = report.verifiers.flame.map((c: { name: string }) => c.name);
    expect(names).toEqual(expect.arrayContaining(['vertices', 'landmarks2d', 'landmarks3d', 'vertex_normals', 'projected', 'vertex_shading']));
  });
});

describe('rig-studio flame', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rig-flame-cli-'));
  const codes = join(dir, 'codes.npz');
  // A batch of two DECA code sets (100 shape, 50 expression, 6 pose); row 1 opens the jaw.
  writeFileSync(codes, writeNpz({
    shape: { dtype: 'float32', shape: [2, 100], data: new Float32Array(200) },
    exp: { dtype: 'float32', shape: [2, 50], data: new Float32Array(100) },
    pose: { dtype: 'float32', shape: [2, 6], data: Float32Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0.4, 0, 0]) },
  }));

  it('writes the posed mesh as OBJ, PLY and glTF', async () => {
    const rest = await run('flame', '--model', demo, '--codes', codes, '--out', join(dir, 'rest.obj'));
    expect(rest.code).toBe(0);
    const open = await run('flame', '--model', demo, '--codes', codes, '--index', '1', '--out', join(dir, 'open.obj'));
    expect(open.code).toBe(0);
    const a = parseObj(readFileSync(join(dir, 'rest.obj'), 'utf8'));
    const b = parseObj(readFileSync(join(dir, 'open.obj'), 'utf8'));
    expect(a.uvFaces).not.toBeNull();
    expect(a.vertices.length).toBe(b.vertices.length);
    // The jaw rotation moves the chin down by millimetres; the crown stays.
    let drop = 0;
    for (let i = 1; i < a.vertices.length; i += 3) drop = Math.max(drop, a.vertices[i] - b.vertices[i]);
    expect(drop).toBeGreaterThan(0.005);
    const top = a.vertices.reduce((best, y, i) => (i % 3 === 1 && y > a.vertices[best] ? i : best), 1);
    expect(b.vertices[top]).toBeCloseTo(a.vertices[top], 6);
    expect((await run('flame', '--model', demo, '--out', join(dir, 'm.ply'))).code).toBe(0);
    expect(new TextDecoder().decode(readFileSync(join(dir, 'm.ply')).subarray(0, 3))).toBe('ply');
    expect((await run('flame', '--model', demo, '--out', join(dir, 'm.gltf'))).code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'm.gltf'), 'utf8')).asset.version).toBe('2.0');
  });

  it('explains bad usage and bad files', async () => {
    expect((await run('flame', '--model', demo, '--out', join(dir, 'x.stl'))).code).toBe(2);
    const missing = await run('flame', '--model', join(dir, 'none.pkl'), '--out', join(dir, 'x.obj'));
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/none.pkl/);
    const far = await run('flame', '--model', demo, '--codes', codes, '--index', '5', '--out', join(dir, 'x.obj'));
    expect(far.err).toMatch(/codes.npz: 'shape': asked for code 5 but there are 2/);
  });
});
