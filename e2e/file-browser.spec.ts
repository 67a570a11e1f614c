// The server-side file browser keeps what the user types: a listing that arrives after the user
// started typing (a slow first listing on a busy machine) never overwrites the field; only a
// listing the user asked for (Go, a folder, the parent) moves it. And it keeps what the user
// selected when the folder changes, so files of two folders import together.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Route } from '@playwright/test';
import { callApi } from './support/api';
import { expect, test } from './support/fixtures';

test('a slow first listing does not overwrite the path being typed', async ({ page, server, scratch, request }) => {
  const runs = join(scratch, 'runs');
  mkdirSync(runs);
  writeFileSync(join(runs, 'model000100.pt'), 'not read by this test');
  mkdirSync(join(scratch, 'more'));
  writeFileSync(join(scratch, 'more', 'model000200.pt'), 'not read by this test');
  await callApi(request, server, 'project.create', { dir: join(scratch, 'project'), name: 'Browser' });

  // Hold the dialog's first listing until the path has been typed.
  let releaseFirst!: () => void;
  const typed = new Promise<void>((resolve) => (releaseFirst = resolve));
  let firstAnswered!: () => void;
  const firstDone = new Promise<void>((resolve) => (firstAnswered = resolve));
  let listings = 0;
  await page.route('**/api/call/fs.list', async (route: Route) => {
    if (++listings === 1) {
      await typed;
      await route.continue();
      firstAnswered();
    } else {
      await route.continue();
    }
  });

  await page.goto(`${server.url}#/models`);
  await page.getByRole('button', { name: 'Import from disk…' }).click();
  const browser = page.getByRole('dialog', { name: 'Import checkpoints from disk' });
  const field = browser.getByLabel('Folder path');
  await expect.poll(() => listings).toBe(1);
  // the user goes to the field and selects its text to type over it; the listing lands in between
  await field.focus();
  await field.selectText();
  releaseFirst();
  await firstDone;
  await expect(browser.getByRole('list', { name: 'Folder contents' })).toHaveAttribute('aria-busy', 'false');
  await page.keyboard.insertText(runs);
  // the late listing has rendered (its folder contents are on screen) and the field still holds the typed path
  await expect(browser.getByRole('list', { name: 'Folder contents' })).toHaveAttribute('aria-busy', 'false');
  await expect(field).toHaveValue(runs);

  await browser.getByRole('button', { name: 'Go' }).click();
  await expect(browser.getByRole('button', { name: 'model000100.pt' })).toBeVisible();
  await expect(field).toHaveValue(runs);

  // a listing the user asked for moves the field: the parent folder
  await browser.getByRole('button', { name: 'Parent folder' }).click();
  await expect(browser.getByRole('button', { name: 'Open folder runs' })).toBeVisible();
  await expect(field).toHaveValue(scratch);

  // a selection made in one folder stays when another folder is opened
  await browser.getByRole('button', { name: 'Open folder runs' }).click();
  await browser.getByRole('button', { name: 'model000100.pt' }).click();
  await expect(browser).toContainText('1 selected');
  await browser.getByRole('button', { name: 'Parent folder' }).click();
  await browser.getByRole('button', { name: 'Open folder more' }).click();
  await browser.getByRole('button', { name: 'model000200.pt' }).click();
  await expect(browser).toContainText('2 selected (1 in other folders)');
  await browser.getByRole('button', { name: 'Parent folder' }).click();
  await browser.getByRole('button', { name: 'Open folder runs' }).click();
  await expect(browser.getByRole('checkbox', { name: 'Select model000100.pt' })).toBeChecked();
});
