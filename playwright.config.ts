import { defineConfig } from '@playwright/test';

// Debian's Chromium, never a downloaded browser (this machine cannot download one).
export default defineConfig({
  testDir: 'e2e',
  timeout: 120_000,
  // The machine is shared (2 cores); UI updates that follow a backend step get some slack.
  expect: { timeout: 10_000 },
  workers: 1,
  outputDir: 'test-results/e2e',
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e-report.json' }]],
  use: {
    // A missing element or a page that never loads fails in well under a minute, with its
    // screenshot, instead of after the test's whole budget.
    actionTimeout: 30_000,
    navigationTimeout: 30_000,
    headless: true,
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
  },
});
