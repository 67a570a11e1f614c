import { defineConfig } from 'vitest/config';

// Runs the FLAME benchmark as a single "test" that prints and asserts nothing:
//   npx vitest run --config bench/flame/vitest.config.ts
export default defineConfig({
  test: {
    root: '.',
    include: ['bench/flame/*.bench.ts'],
    environment: 'node',
    testTimeout: 600_000,
    pool: 'forks',
    maxWorkers: 1,
  },
});
