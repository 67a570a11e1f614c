// `npm start`: opens the desktop app on its built-in demo.
//
// Electron 45 has no install script: its binary is fetched the first time something asks for it,
// while electron-vite's preview only reads node_modules/electron/path.txt. So this script asks
// Electron for its binary the way Electron intends (its own `install-electron`, which downloads
// through @electron/get and its cache) before electron-vite runs. Where the binary cannot be had
// (no route to its download host, an unsupported platform) or there is no desktop to show a window
// on, it says so in one line and serves the same UI on the demo instead: it prints the URL and
// opens the browser when there is a desktop. Arguments after `--` go to `rig-studio serve` then
// (e.g. `npm start -- --port 0`).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const bin = (name) => join(root, 'node_modules', '.bin', process.platform === 'win32' ? `${name}.cmd` : name);
// How long Electron's download (about 100 MB, once) may take before the browser UI is served instead.
const downloadMs = Number(process.env.RIG_STUDIO_ELECTRON_DOWNLOAD_TIMEOUT_MS ?? 20 * 60_000);

/** Electron's executable when it is installed, else null (ELECTRON_OVERRIDE_DIST_PATH replaces dist/, as Electron's own lookup does). */
function electronBinary(electronDir) {
  try {
    const relative = readFileSync(join(electronDir, 'path.txt'), 'utf8');
    const path = join(process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(electronDir, 'dist'), relative);
    return existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

/** The last meaningful line of a failed download's output (the error, not its stack). */
function reasonOf(output) {
  const lines = output.split('\n').map((l) => l.trim()).filter(Boolean);
  const error = lines.find((l) => /error/i.test(l) && !l.startsWith('at ')) ?? lines.find((l) => !l.startsWith('at ')) ?? 'no output';
  return error.length > 160 ? `${error.slice(0, 157)}...` : error;
}

/** Electron's binary, fetched if needed; or why it cannot be had. */
function obtainElectron() {
  let electronDir;
  try {
    electronDir = dirname(require.resolve('electron/package.json'));
  } catch {
    return { reason: 'the electron package is not installed (run npm install)' };
  }
  const present = electronBinary(electronDir);
  if (present) return { path: present };
  console.log("rig-studio: fetching Electron's binary (about 100 MB, once)...");
  const fetched = spawnSync(process.execPath, [join(electronDir, 'install.js')], { encoding: 'utf8', timeout: downloadMs, stdio: ['ignore', 'pipe', 'pipe'] });
  const path = electronBinary(electronDir);
  if (path) return { path };
  if (fetched.error?.code === 'ETIMEDOUT') return { reason: `its download did not finish in ${Math.round(downloadMs / 60_000)} minutes` };
  const reason = reasonOf(`${fetched.stderr ?? ''}\n${fetched.stdout ?? ''}`);
  // @electron/get prints undici's bare "fetch failed" when the host cannot be reached
  const host = process.env.ELECTRON_MIRROR ? `the mirror ${process.env.ELECTRON_MIRROR}` : 'github.com (or set ELECTRON_MIRROR)';
  return { reason: /fetch failed/.test(reason) ? `its download host cannot be reached: ${host}` : `its download failed: ${reason}` };
}

/** True where a window can be shown: always on macOS and Windows, with a display server on Linux and BSDs. */
function hasDesktop() {
  if (process.platform === 'darwin' || process.platform === 'win32') return true;
  return Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
}

function openBrowser(url) {
  const [cmd, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]] : ['xdg-open', [url]];
  const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
  child.on('error', () => console.log(`rig-studio: could not open a browser (${cmd}); open the URL above yourself`));
  child.unref();
}

function runDesktop() {
  const child = spawn(bin('electron-vite'), ['preview'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 1)));
}

function serveInstead(why, serveArgs) {
  console.log(`rig-studio: the desktop app cannot open here (${why}); serving the same UI on the demo in your browser instead.`);
  const build = spawnSync(bin('electron-vite'), ['build'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], shell: process.platform === 'win32' });
  if (build.status !== 0) {
    process.stderr.write(`${build.stdout ?? ''}${build.stderr ?? ''}`);
    console.error('rig-studio: the build failed (above)');
    process.exit(1);
  }
  const server = spawn(process.execPath, [join(root, 'out', 'main', 'cli.js'), 'serve', '--demo', ...serveArgs], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  let seen = '';
  server.stdout.setEncoding('utf8');
  server.stdout.on('data', (chunk) => {
    process.stdout.write(chunk);
    if (seen === null) return;
    seen += chunk;
    const match = /serving at (http:\/\/\S+)/.exec(seen);
    if (match) {
      seen = null;
      // BROWSER=none (as other dev servers read it) keeps the browser closed
      if (hasDesktop() && process.env.BROWSER !== 'none') openBrowser(match[1]);
    }
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
  server.on('exit', (code, signal) => process.exit(signal ? 0 : (code ?? 1)));
}

const serveArgs = process.argv.slice(2);
if (!hasDesktop()) {
  serveInstead('no desktop display: DISPLAY and WAYLAND_DISPLAY are unset', serveArgs);
} else {
  const electron = obtainElectron();
  if (electron.path) runDesktop();
  else serveInstead(`Electron's binary is not available: ${electron.reason}`, serveArgs);
}
