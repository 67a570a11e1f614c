import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, writeImage } from '../library/fixtures';
import { ensureBuilt } from './built';
import { runCli, startCli } from './run';

// The built CLI, as a user runs it.
const tmp = tempDir();
const data = join(tmp.dir, 'data');
beforeAll(() => ensureBuilt());
afterAll(() => tmp.cleanup());

describe('rig-studio import (built CLI)', () => {
  it('imports a folder, names bad files, exits 3 for a partial import and 0 for duplicates only', async () => {
    const project = join(tmp.dir, 'p');
    const src = join(tmp.dir, 'photos');
    mkdirSync(src);
    for (let i = 0; i < 4; i++) await writeImage(join(src, `face${i}.jpg`), { seed: 500 + i });
    writeFileSync(join(src, 'broken.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]));
    expect((await runCli(['project', 'create', project], data)).code).toBe(0);

    const first = await runCli(['import', '--project', project, '--album', 'Alice', '--create-album', '--json', src], data);
    expect(first.code).toBe(3);
    const summary = JSON.parse(first.stdout);
    expect(summary).toMatchObject({ state: 'done', total: 5, imported: 4, duplicates: 0, failed: 1 });
    expect(summary.errors).toEqual([{ path: join(src, 'broken.jpg'), fileName: 'broken.jpg', reason: expect.stringMatching(/^corrupt/) }]);

    const again = await runCli(['import', '--project', project, '--album', 'Alice', join(src, 'face0.jpg'), join(src, 'face1.jpg')], data);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('0 imported, 2 duplicate(s), 0 failed');
    expect(again.stdout).toMatch(/duplicate {2}face0\.jpg: same content as photo \d+/);

    const noAlbum = await runCli(['import', '--project', project, '--album', 'Nobody', src], data);
    expect(noAlbum.code).toBe(1);
    expect(noAlbum.stderr).toContain('no album named "Nobody" (albums: "Alice"); add --create-album to create it');
  });
});

describe('rig-studio serve (built CLI)', () => {
  it('prints the URL with the real port, refuses requests without the token, stops on SIGTERM', async () => {
    const child = startCli(['serve', '--port', '0', '--demo'], data);
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (d) => {
        out += d;
        if (out.includes('\n')) resolve(out.trim());
      });
      child.on('close', (code) => reject(new Error(`serve exited with ${code}`)));
    });
    const m = /^serving at http:\/\/127\.0\.0\.1:(\d+)\/\?token=([\w-]+)$/.exec(line);
    expect(m, line).not.toBeNull();
    const get = (path: string) =>
      new Promise<number>((resolve, reject) => request({ host: '127.0.0.1', port: Number(m![1]), path }, (res) => resolve(res.statusCode ?? 0)).on('error', reject).end());
    expect(await get('/')).toBe(401);
    expect(await get(`/?token=${m![2]}`)).toBe(200);
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
