import { test as base, expect } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type ServeHandle } from './server';

export interface RigFixtures {
  /** A fresh `rig-studio serve` for this test (own data dir), stopped afterwards. */
  server: ServeHandle;
  /** A scratch folder for this test (projects, photos to import), removed afterwards. */
  scratch: string;
}

/** Playwright's test with a running server and a scratch folder; errors in the page (uncaught, or CSP blocks) fail the test. */
export const test = base.extend<RigFixtures>({
  server: async ({}, use, testInfo) => {
    const server = await startServer();
    try {
      await use(server);
    } finally {
      await testInfo.attach('server-output', { body: server.output(), contentType: 'text/plain' });
      await server.stop();
    }
  },
  scratch: async ({}, use) => {
    const dir = mkdtempSync(join(tmpdir(), 'rig-e2e-'));
    try {
      await use(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
  page: async ({ page }, use) => {
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    // A blocked resource only logs to the console; the page's CSP must not block the app itself.
    page.on('console', (message) => {
      if (message.type() === 'error' && message.text().includes('Content Security Policy')) errors.push(message.text());
    });
    await use(page);
    expect(errors, 'uncaught errors in the page').toEqual([]);
  },
});

export { expect };
