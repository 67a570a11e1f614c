// `rig-studio serve --port 0 --demo` for specs that walk the demo project (the fixture's server
// takes no extra arguments): a fresh data dir unless one is given, the URL read from its output.
// One helper for every demo spec (demo, export-head, first-hour).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliPath, projectRoot } from './server';

export interface DemoServer {
  url: string;
  dataDir: string;
  output: () => string;
  /** SIGTERM, then removes the data dir when it made it (a given one is kept, e.g. to start again on it). */
  stop: () => Promise<void>;
}

/**
 * Starts the demo server (on `dataDir` when given, else a fresh one); the demo content is
 * generated before it prints its URL (up to 90 s on a slow machine).
 */
export async function startDemoServer(env: Record<string, string> = {}, givenDataDir?: string): Promise<DemoServer> {
  const dataDir = givenDataDir ?? mkdtempSync(join(tmpdir(), 'rig-e2e-demo-'));
  const child = spawn(process.execPath, [cliPath, 'serve', '--port', '0', '--demo'], {
    cwd: projectRoot,
    env: { ...process.env, RIG_STUDIO_DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.setEncoding('utf8');
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => (output += chunk));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve --demo printed no URL within 90 s:\n${output}`)), 90_000);
    child.stdout!.on('data', (chunk: string) => {
      output += chunk;
      const match = /serving at (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`serve --demo exited (${code ?? signal}) before serving:\n${output}`));
    });
  });
  return {
    url,
    dataDir,
    output: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        const done = () => {
          if (!givenDataDir) rmSync(dataDir, { recursive: true, force: true });
          resolve();
        };
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once('exit', done);
        child.kill('SIGTERM');
      }),
  };
}
