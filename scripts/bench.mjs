// `npm run bench [-- NAME...]`: runs the benchmarks in bench/ (all, or the named ones).
// Each prints its numbers with ratios against a reference measured in the same run; none
// asserts a time. Environment knobs are documented at the top of each bench file.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const all = readdirSync('bench', { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !all.includes(w));
if (unknown.length) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')} (have: ${all.join(', ')})`);
  process.exit(2);
}
const names = wanted.length ? wanted : all;

// import runs the built CLI and engine the built compute host (out/main/engine.js): build them fresh
if (!existsSync('out/main/cli.js') || names.includes('import') || names.includes('engine')) {
  const b = spawnSync('npx', ['electron-vite', 'build'], { stdio: 'inherit' });
  if (b.status !== 0) process.exit(b.status ?? 1);
}

let failed = 0;
for (const name of names) {
  const dir = join('bench', name);
  console.log(`\n### bench/${name}`);
  const res = existsSync(join(dir, 'vitest.config.ts'))
    ? spawnSync('npx', ['vitest', 'run', '--config', join(dir, 'vitest.config.ts')], { stdio: 'inherit' })
    : spawnSync(process.execPath, [join(dir, 'run.mjs')], { stdio: 'inherit' });
  if (res.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
