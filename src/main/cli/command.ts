import type { ParseArgsConfig } from 'node:util';

/** What a command prints to; tests pass their own. */
export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

/**
 * One `rig-studio` command. `options` follows node:util parseArgs; every command also gets
 * `--help` and, where it says so, `--json`. `run` returns the process exit code.
 */
export interface Command {
  /** Words of the command, e.g. ['album', 'create']. */
  name: string[];
  summary: string;
  /** Usage line(s) after `rig-studio <name>`, e.g. '--project DIR NAME'. */
  usage: string;
  options?: ParseArgsConfig['options'];
  run(args: { values: Record<string, unknown>; positionals: string[] }, io: CliIo): Promise<number>;
}

/** Thrown for wrong usage; the CLI prints the message and the command's usage, exit 2. */
export class UsageError extends Error {}
