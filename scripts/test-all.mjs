// Runs every suite the project has, in order, and ends with one line
// `N passed, N failed, N skipped` that sums them (CI reads that line); the summary above it gives
// each suite's counts and time, and names every skipped test with its reason. Type-check, lint,
// the layer check (dependency-cruiser: the floor order of docs/architecture.md and no import
// cycles) and build count as one check each: a failure there fails the run like any test.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, mkdirSync } from 'node:fs';

const results = [];
mkdirSync('test-results', { recursive: true });

/** Runs one suite's command; returns whether it exited 0 and how long it took. */
function run(name, cmd, args, extraEnv = {}) {
  console.log(`\n=== ${name}: ${cmd} ${args.join(' ')}`);
  const started = Date.now();
  const res = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...extraEnv } });
  const seconds = (Date.now() - started) / 1000;
  console.log(`=== ${name}: exit ${res.status} in ${seconds.toFixed(1)}s`);
  return { ok: res.status === 0, seconds };
}

function check(name, cmd, args) {
  const { ok, seconds } = run(name, cmd, args);
  results.push({ name, passed: ok ? 1 : 0, failed: ok ? 0 : 1, skipped: [], seconds });
  return ok;
}

/** Vitest's skipped tests (skipped, pending or todo), named by file and full title. */
function vitestSkipped(report) {
  const skipped = [];
  for (const file of report.testResults ?? []) {
    for (const t of file.assertionResults ?? []) {
      if (['skipped', 'pending', 'todo', 'disabled'].includes(t.status)) skipped.push(`${file.name.replace(`${process.cwd()}/`, '')} > ${t.fullName ?? t.title}`);
    }
  }
  return skipped;
}

/** Playwright's skipped tests, named by file and title, with the reason given to test.skip. */
function playwrightSkipped(report) {
  const skipped = [];
  const walk = (suite) => {
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests ?? []) {
        if (t.status !== 'skipped') continue;
        const reason = (t.annotations ?? []).find((a) => a.type === 'skip')?.description;
        skipped.push(`${spec.file} > ${spec.title}${reason ? ` (${reason})` : ''}`);
      }
    }
    for (const child of suite.suites ?? []) walk(child);
  };
  for (const suite of report.suites ?? []) walk(suite);
  return skipped;
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
  const { ok, seconds } = run('vitest', 'npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`]);
  const report = readJson(out);
  if (report) {
    const failed = report.numFailedTests + (ok || report.numFailedTests > 0 ? 0 : 1);
    results.push({ name: 'vitest', passed: report.numPassedTests, failed, skipped: vitestSkipped(report), seconds });
  } else {
    results.push({ name: 'vitest', passed: 0, failed: 1, skipped: [], seconds });
  }
}

// End-to-end tests in Debian's Chromium against serve mode (needs the build).
if (built) {
  const out = 'test-results/e2e-report.json';
  const { ok, seconds } = run('e2e', 'npx', ['playwright', 'test']);
  const report = readJson(out);
  if (report && report.stats) {
    const s = report.stats;
    const failed = s.unexpected + s.flaky + (ok || s.unexpected > 0 ? 0 : 1);
    results.push({ name: 'e2e', passed: s.expected, failed, skipped: playwrightSkipped(report), seconds });
  } else {
    results.push({ name: 'e2e', passed: 0, failed: 1, skipped: [], seconds });
  }
} else {
  results.push({ name: 'e2e (not run: build failed)', passed: 0, failed: 1, skipped: [], seconds: 0 });
}

console.log('\nSummary:');
for (const r of results) {
  console.log(`  ${r.name}: ${r.passed} passed, ${r.failed} failed, ${r.skipped.length} skipped (${r.seconds.toFixed(1)} s)`);
  for (const name of r.skipped) console.log(`    skipped: ${name}`);
}
const passed = results.reduce((a, r) => a + r.passed, 0);
const failed = results.reduce((a, r) => a + r.failed, 0);
const skipped = results.reduce((a, r) => a + r.skipped.length, 0);
console.log(`  total time ${(results.reduce((a, r) => a + r.seconds, 0) / 60).toFixed(1)} min`);
if (!existsSync('test-results')) mkdirSync('test-results');
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed === 0 ? 0 : 1);
