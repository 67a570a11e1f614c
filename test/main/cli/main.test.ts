import { describe, expect, it } from 'vitest';
import { main } from '../../../src/main/cli/main';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

describe('cli', () => {
  it('lists commands with --help and exits 0', async () => {
    const c = capture();
    expect(await main(['--help'], c.io)).toBe(0);
    expect(c.out.join('\n')).toContain('verify-fixture');
  });
  it('rejects an unknown command with exit 2 and says so', async () => {
    const c = capture();
    expect(await main(['no-such-command'], c.io)).toBe(2);
    expect(c.err.join('\n')).toContain("unknown command 'no-such-command'");
  });
  it('verify-fixture on a folder with no known layout fails naming it', async () => {
    const c = capture();
    expect(await main(['verify-fixture', __dirname], c.io)).toBe(1);
    expect(c.err.join('\n')).toContain('no known fixture layout');
  });
});
