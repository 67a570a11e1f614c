import { defineConfig } from 'vitest/config';

// The Demo base model's recipe run twice (minutes: the 1000-photo dataset and its buffers):
//   npx vitest run --config bench/demo-model/vitest.config.ts
export default defineConfig({
  test: {
    root: '.',
    include: ['bench/demo-model/*.bench.ts'],
    environment: 'node',
    testTimeout: 3_600_000,
    pool: 'forks',
    maxWorkers: 1,
  },
});
