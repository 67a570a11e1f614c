import { defineConfig } from 'vitest/config';

// Runs the edit-quality benchmark as a single long "test" that prints and asserts nothing:
//   npx vitest run --config bench/quality/vitest.config.ts
export default defineConfig({
  test: {
    root: '.',
    include: ['bench/quality/*.bench.ts'],
    environment: 'node',
    testTimeout: 3_600_000,
    pool: 'forks',
    maxWorkers: 1,
  },
});
