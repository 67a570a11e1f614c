// `npm run gpu-check`: the GPU check for real hardware (README, "GPU check"). Runs
// scripts/gpu-check/gpu-check.check.ts through vitest (TypeScript sources, no build) in its own
// process group, killed as a whole after 8 minutes; the check itself budgets its measurements
// (GPU_CHECK_BUDGET_S) so that the table prints before then. Knobs: GPU_CHECK_SIZE (default
// 256), GPU_CHECK_PROVIDERS (default: every GPU provider this build can use, else webgpu),
// GPU_CHECK_DDIM_STEPS (default 20), GPU_CHECK_TRAIN=0 skips the train step.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
const child = spawn(process.execPath, [vitest, 'run', '--config', 'scripts/gpu-check/vitest.config.ts'], {
  stdio: 'inherit',
  detached: true,
  env: { XDG_RUNTIME_DIR: '/tmp', ...process.env },
});
const limit = setTimeout(() => {
  console.error('gpu-check: 8 minutes are up; stopping');
  process.kill(-child.pid, 'SIGKILL');
}, 8 * 60 * 1000);
const stop = () => process.kill(-child.pid, 'SIGKILL');
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
child.on('exit', (code, signal) => {
  clearTimeout(limit);
  process.exit(code ?? (signal ? 1 : 0));
});
