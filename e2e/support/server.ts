// Starts the built CLI's serve mode for end-to-end tests: a fresh data dir per server, a random
// port, and the URL (with its token) read from the line the CLI prints. The serve-mode specs use it
// through the fixture: `import { test, expect } from './support/fixtures'`.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const projectRoot = resolve(__dirname, '..', '..');
export const cliPath = join(projectRoot, 'out', 'main', 'cli.js');

export interface ServeHandle {
  /** The URL printed by `rig-studio serve`, token included: what a user opens. */
  url: string;
  /** `http://HOST:PORT` without path or token. */
  origin: string;
  token: string;
  /** RIG_STUDIO_DATA_DIR of this server (recent projects, settings). */
  dataDir: string;
  /** Everything the server printed, for failure messages. */
  output: () => string;
  /**
   * Ends the server: SIGTERM (a clean shutdown) by default, or SIGKILL to simulate a crash.
   * The data dir is removed unless the caller passed its own.
   */
  stop: (signal?: 'SIGTERM' | 'SIGKILL') => Promise<void>;
}

export interface ServeOptions {
  /** Extra environment variables for the server process. */
  env?: Record<string, string>;
  /** How long to wait for the `serving at` line. */
  timeoutMs?: number;
  /** Reuse this data dir (e.g. to restart after a crash); kept when the server stops. */
  dataDir?: string;
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((done) => {
    const timer = setTimeout(() => done(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      done(true);
    });
  });
}

/** Spawns `node out/main/cli.js serve --port 0` and resolves once it prints its URL. */
export async function startServer({ env = {}, timeoutMs = 30_000, dataDir: givenDataDir }: ServeOptions = {}): Promise<ServeHandle> {
  if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: run \`npx electron-vite build\` before the e2e tests`);
  const dataDir = givenDataDir ?? mkdtempSync(join(tmpdir(), 'rig-e2e-data-'));
  // process.execPath is the Node 22 that runs Playwright (node_modules/.bin/node via npx),
  // the same runtime better-sqlite3 was built for.
  const child = spawn(process.execPath, [cliPath, 'serve', '--port', '0'], {
    cwd: projectRoot,
    env: { ...process.env, RIG_STUDIO_DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.setEncoding('utf8');
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => (output += chunk));

  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`rig-studio serve printed no URL within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    child.stdout!.on('data', (chunk: string) => {
      output += chunk;
      const match = /serving at (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1]);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`rig-studio serve exited (${code ?? signal}) before serving:\n${output}`));
    });
  });
  const parsed = new URL(url);
  const token = parsed.searchParams.get('token');
  if (!token) throw new Error(`the served URL has no token: ${url}`);

  return {
    url,
    origin: parsed.origin,
    token,
    dataDir,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      child.kill(signal);
      if (!(await waitForExit(child, 5000))) {
        child.kill('SIGKILL');
        await waitForExit(child, 5000);
      }
      if (!givenDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
