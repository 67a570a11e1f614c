import { spawn, type ChildProcess } from 'node:child_process';
import { builtCli } from './built';

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Spawns the built CLI with this Node (22) and the given data dir. */
export function startCli(args: string[], dataDir: string): ChildProcess {
  return spawn(process.execPath, [builtCli, ...args], { env: { ...process.env, RIG_STUDIO_DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Runs the built CLI to the end. */
export function runCli(args: string[], dataDir: string): Promise<CliRun> {
  const child = startCli(args, dataDir);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}
