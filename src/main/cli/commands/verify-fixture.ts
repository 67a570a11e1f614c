import { existsSync, statSync } from 'node:fs';
import type { Command } from '../command';
import { UsageError } from '../command';
import { verifiers } from '../verifiers';

export const verifyFixtureCommand: Command = {
  name: ['verify-fixture'],
  summary: 'Compare this app with reference outputs of the upstream code in DIR; exit 0 only when all match.',
  usage: 'DIR [--landmarks FILE] [--json]',
  options: { json: { type: 'boolean' }, landmarks: { type: 'string' } },
  async run({ values, positionals }, io) {
    const dir = positionals[0];
    if (!dir || positionals.length > 1) throw new UsageError('give exactly one fixture directory');
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`${dir}: not a directory`);
    const matching = verifiers.filter((v) => v.recognises(dir));
    if (matching.length === 0) {
      throw new Error(`${dir}: no known fixture layout (known: ${verifiers.map((v) => v.name).join(', ') || 'none'})`);
    }
    const report: Record<string, unknown> = {};
    let allOk = true;
    for (const v of matching) {
      const checks = await v.verify(dir, { landmarks: values.landmarks as string | undefined });
      report[v.name] = checks;
      allOk &&= checks.length > 0 && checks.every((c) => c.ok);
      if (!values.json) {
        io.out(`${v.name}:`);
        for (const c of checks) {
          io.out(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name.padEnd(40)} worst rel. error ${c.worstRelativeError.toExponential(2)} (tolerance ${c.tolerance.toExponential(0)})`);
        }
      }
    }
    if (values.json) io.out(JSON.stringify({ dir, ok: allOk, verifiers: report }, null, 2));
    return allOk ? 0 : 1;
  },
};
