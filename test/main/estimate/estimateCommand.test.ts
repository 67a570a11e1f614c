import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../src/main/cli/main';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

describe('rig-studio estimate (argument checks)', () => {
  it('needs a project, an album and the files its estimator needs', async () => {
    const none = capture();
    expect(await main(['estimate', '--album', 'A'], none.io)).toBe(2);
    expect(none.err.join('\n')).toContain('--project DIR is required');

    const dir = join(mkdtempSync(join(tmpdir(), 'estimate-cli-')), 'p');
    expect(await main(['project', 'create', dir], capture().io)).toBe(0);
    expect(await main(['album', 'create', '--project', dir, 'A'], capture().io)).toBe(0);
    const deca = capture();
    expect(await main(['estimate', '--project', dir, '--album', 'A', '--estimator', 'deca'], deca.io)).toBe(2);
    expect(deca.err.join('\n')).toContain('needs --checkpoint');
    const emoca = capture();
    expect(await main(['estimate', '--project', dir, '--album', 'A', '--estimator', 'emoca', '--checkpoint', 'x.ckpt'], emoca.io)).toBe(2);
    expect(emoca.err.join('\n')).toContain('--config cfg.yaml');
    const face = capture();
    expect(await main(['estimate', '--project', dir, '--album', 'A', '--face', 'seven'], face.io)).toBe(2);
    expect(face.err.join('\n')).toContain('PHOTO:INDEX');
    const album = capture();
    expect(await main(['estimate', '--project', dir, '--album', 'B'], album.io)).toBe(1);
    expect(album.err.join('\n')).toContain('no album named "B"');
  });
});
