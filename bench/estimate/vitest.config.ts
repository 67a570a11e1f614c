import { defineConfig } from 'vitest/config';

// Runs the estimation benchmark as a single "test" that prints and asserts nothing:
//   npx vitest run --config bench/estimate/vitest.config.ts
export default defineConfig({
  test: {
    root: '.',
    include: ['bench/estimate/*.bench.ts'],
    environment: 'node',
    testTimeout: 600_000,
    pool: 'forks',
    maxWorkers: 1,
  },
});
