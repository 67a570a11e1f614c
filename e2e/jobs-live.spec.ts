// Jobs started by another process on the open project: `rig-studio import` run in a
// terminal on the project the browser has open shows up in the jobs panel live, with its
// progress, without a reload, marked as run elsewhere (no Cancel that could only be refused),
// and the album shows the imported photos when it ends.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { callApi } from './support/api';
import { expect, test } from './support/fixtures';
import { writeDistinctPhotos } from './support/photos';
import { cliPath, projectRoot } from './support/server';

test('an import started from the command line appears in the jobs panel live', async ({ page, server, scratch, request }, testInfo) => {
  test.setTimeout(240_000);
  const photos = join(scratch, 'batch');
  mkdirSync(photos, { recursive: true });
  await writeDistinctPhotos(photos, 200, 512);
  const dir = join(scratch, 'Live');
  await callApi(request, server, 'project.create', { dir, name: 'Live' });
  await callApi(request, server, 'album.create', { name: 'Batch' });
  await page.goto(`${server.url}#/library`);
  await expect(page.getByRole('heading', { name: 'Batch', level: 1 })).toBeVisible();
  await page.keyboard.press('j');
  const panel = page.getByRole('complementary', { name: 'Jobs' });
  await expect(panel.getByRole('listitem')).toHaveCount(0);

  const cli = spawn(process.execPath, [cliPath, 'import', '--project', dir, '--album', 'Batch', photos], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  cli.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  cli.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => cli.once('exit', (code) => resolve(code)));
  try {
    const row = panel.getByRole('listitem').first();
    // no reload: the row arrives while the other process runs it, without a Cancel button
    await expect(row).toHaveAccessibleName(/, (Running|Queued)$/, { timeout: 60_000 });
    await expect(row.getByTestId('job-elsewhere')).toContainText('stop it there');
    await expect(row.getByRole('button', { name: 'Cancel' })).toHaveCount(0);
    await page.screenshot({ path: testInfo.outputPath('cli-job-live.png') });
    await testInfo.attach('cli-job-live', { path: testInfo.outputPath('cli-job-live.png'), contentType: 'image/png' });
    await expect(row).toHaveAccessibleName(/, Done$/, { timeout: 180_000 });
    expect(await exited, output).toBe(0);
    // and the album shows what the other process imported
    await expect(page.getByRole('link', { name: /Batch\s*200 photos/ })).toBeVisible();
    await expect(page.getByRole('option')).not.toHaveCount(0);
  } finally {
    if (cli.exitCode === null) cli.kill('SIGTERM');
  }
});
