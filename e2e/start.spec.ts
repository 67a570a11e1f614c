// The README's first command on a machine where Electron's binary cannot be had: `npm start`
// says so in one line (no stack trace) and serves the same UI on the demo, printing its URL
// within a minute. Electron is kept from any real binary and any real download: its dist folder
// points at an empty scratch folder, its cache is empty and its mirror is a closed local port.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from './support/server';
import { expect, test } from './support/fixtures';

test('npm start without Electron’s binary serves the demo in the browser instead, URL within a minute', async ({ page, scratch }, testInfo) => {
  const child = spawn('npm', ['start', '--silent', '--', '--port', '0'], {
    cwd: projectRoot,
    env: {
      ...process.env,
      DISPLAY: ':99', // a desktop is claimed, so the binary is what is missing
      BROWSER: 'none', // do not open a browser on the machine running the tests
      ELECTRON_OVERRIDE_DIST_PATH: join(scratch, 'no-electron'),
      electron_config_cache: join(scratch, 'electron-cache'),
      ELECTRON_MIRROR: 'http://127.0.0.1:9/',
      RIG_STUDIO_DATA_DIR: join(scratch, 'data'),
    },
    detached: true, // its own process group: npm, the start script and the server stop together
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  try {
    await expect.poll(() => /serving at (http:\/\/\S+)/.exec(output)?.[1], { timeout: 60_000, message: `npm start printed no URL within a minute:\n${output}` }).toBeTruthy();
    const url = /serving at (http:\/\/\S+)/.exec(output)![1];
    const said = output.split('\n').filter((line) => line.includes('cannot open here'));
    expect(said).toHaveLength(1);
    expect(said[0]).toContain("Electron's binary is not available");
    expect(said[0]).toContain('http://127.0.0.1:9/');
    expect(output, 'no stack trace').not.toMatch(/^\s+at /m);

    await page.goto(url);
    await expect(page.getByRole('button', { name: 'Project Rig Studio demo' })).toBeVisible();
    await expect(page.getByRole('link', { name: /Demo\s*12 photos/ })).toBeVisible();
  } finally {
    await testInfo.attach('npm-start-output', { body: output, contentType: 'text/plain' });
    if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGTERM');
    await Promise.race([exited, new Promise((done) => setTimeout(done, 15_000))]);
    if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
  }
});
