import { parseArgs } from 'node:util';
import type { CliIo, Command } from './command';
import { UsageError } from './command';
import { commands } from './registry';

/** Finds the command whose name is the longest prefix of argv. */
function match(argv: string[]): { command: Command; rest: string[] } | undefined {
  let best: Command | undefined;
  for (const c of commands) {
    if (c.name.every((w, i) => argv[i] === w) && (!best || c.name.length > best.name.length)) best = c;
  }
  return best ? { command: best, rest: argv.slice(best.name.length) } : undefined;
}

function usageOf(c: Command): string {
  const lines = [`rig-studio ${c.name.join(' ')} ${c.usage}`.trimEnd(), '', c.summary];
  const opts = Object.entries(c.options ?? {});
  if (opts.length) {
    lines.push('', 'Options:');
    for (const [k, o] of opts) lines.push(`  --${k}${o.type === 'string' ? ' VALUE' : ''}`);
  }
  return lines.join('\n');
}

function help(): string {
  const rows = [...commands]
    .sort((a, b) => a.name.join(' ').localeCompare(b.name.join(' ')))
    .map((c) => `  ${c.name.join(' ').padEnd(22)} ${c.summary}`);
  return ['Usage: rig-studio <command> [options]', '', 'Commands:', ...rows, '', 'Run `rig-studio <command> --help` for its options.'].join('\n');
}

/** Runs the CLI on argv (without node and script); returns the exit code. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.out(help());
    return argv.length === 0 ? 2 : 0;
  }
  const found = match(argv);
  if (!found) {
    io.err(`rig-studio: unknown command '${argv.join(' ')}'\n\n${help()}`);
    return 2;
  }
  const { command, rest } = found;
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(usageOf(command));
    return 0;
  }
  try {
    const parsed = parseArgs({ args: rest, options: command.options ?? {}, allowPositionals: true, strict: true });
    return await command.run(parsed as { values: Record<string, unknown>; positionals: string[] }, io);
  } catch (e) {
    const err = e as Error & { code?: string };
    if (e instanceof UsageError || err.code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`rig-studio ${command.name.join(' ')}: ${err.message}\n\n${usageOf(command)}`);
      return 2;
    }
    io.err(`rig-studio ${command.name.join(' ')}: ${err.message}`);
    return 1;
  }
}
