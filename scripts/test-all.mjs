// Runs every suite the project has, in order, and ends with one line `N passed, N failed`
// that sums them (CI reads that line). Type-check, lint, the layer check (dependency-cruiser:
// the floor order of docs/architecture.md and no import cycles) and build count as one check
// each: a failure there fails the run like any test.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, mkdirSync } from 'node:fs';

const results = [];
mkdirSync('test-results', { recursive: true });

function run(name, cmd, args, extraEnv = {}) {
  console.log(`\n=== ${name}: ${cmd} ${args.join(' ')}`);
  const started = Date.now();
  const res = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...extraEnv } });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`=== ${name}: exit ${res.status} in ${seconds}s`);
  return res.status === 0;
}

function check(name, cmd, args) {
  const ok = run(name, cmd, args);
  results.push({ name, passed: ok ? 1 : 0, failed: ok ? 0 : 1 });
  return ok;
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

console.log(`node ${process.version}`);
check('typecheck', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.node.json']);
check('typecheck-web', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.web.json']);
check('lint', 'npx', ['eslint', '--max-warnings', '0', '.']);
check('layers', 'npx', ['depcruise', 'src']);
const built = check('build', 'npx', ['electron-vite', 'build']);

// Unit and integration tests (vitest). Integration tests spawn the built CLI.
{
  const out = 'test-results/vitest.json';
  const ok = run('vitest', 'npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`]);
  const report = readJson(out);
  if (report) {
    const failed = report.numFailedTests + (ok || report.numFailedTests > 0 ? 0 : 1);
    results.push({ name: 'vitest', passed: report.numPassedTests, failed });
  } else {
    results.push({ name: 'vitest', passed: 0, failed: 1 });
  }
}

// End-to-end tests in Debian's Chromium against serve mode (needs the build).
if (built) {
  const out = 'test-results/e2e-report.json';
  const ok = run('e2e', 'npx', ['playwright', 'test']);
  const report = readJson(out);
  if (report && report.stats) {
    const s = report.stats;
    const failed = s.unexpected + s.flaky + (ok || s.unexpected > 0 ? 0 : 1);
    results.push({ name: 'e2e', passed: s.expected, failed });
  } else {
    results.push({ name: 'e2e', passed: 0, failed: 1 });
  }
} else {
  results.push({ name: 'e2e (not run: build failed)', passed: 0, failed: 1 });
}

console.log('\nSummary:');
for (const r of results) console.log(`  ${r.name}: ${r.passed} passed, ${r.failed} failed`);
const passed = results.reduce((a, r) => a + r.passed, 0);
const failed = results.reduce((a, r) => a + r.failed, 0);
if (!existsSync('test-results')) mkdirSync('test-results');
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
