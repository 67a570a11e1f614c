import { defineConfig } from 'vitest/config';

// `npm run gpu-check` (scripts/gpu-check.mjs) runs the check as one long "test" that prints one table.
export default defineConfig({
  test: {
    root: '.',
    include: ['scripts/gpu-check/*.check.ts'],
    environment: 'node',
    testTimeout: 480_000,
    pool: 'forks',
    maxWorkers: 1,
  },
});
