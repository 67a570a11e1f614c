import { existsSync, statSync } from 'node:fs';
import { parseProviderList } from '../../nn/backend';
import type { Command } from '../command';
import { UsageError } from '../command';
import { verifiers } from '../verifiers';
import { overridesFromFlags } from './inspectCheckpoint';

/** --provider NAME (one provider, default cpu) and --precision float32|float16 (default float32). */
function runSettings(values: Record<string, unknown>) {
  const text = (values.provider as string | undefined) ?? 'cpu';
  let names;
  try {
    names = parseProviderList(text);
  } catch (error) {
    throw new UsageError(`--provider: ${(error as Error).message}`);
  }
  if (names.length !== 1) throw new UsageError('--provider takes one provider (e.g. --provider webgpu)');
  const precision = (values.precision as string | undefined) ?? 'float32';
  if (precision !== 'float32' && precision !== 'float16') throw new UsageError(`--precision must be float32 or float16, not '${precision}'`);
  return { provider: names[0], precision: precision as 'float32' | 'float16' };
}

export const verifyFixtureCommand: Command = {
  name: ['verify-fixture'],
  summary: 'Compare this app with reference outputs of the upstream code in DIR; exit 0 only when all match.',
  usage: 'DIR [--provider cpu|webgpu|cuda|dml|coreml] [--precision float32|float16] [--num-heads N | --num-head-channels N] [--new-attention-order] [--landmarks FILE] [--json]',
  options: {
    json: { type: 'boolean' },
    landmarks: { type: 'string' },
    provider: { type: 'string' },
    precision: { type: 'string' },
    'num-heads': { type: 'string' },
    'num-head-channels': { type: 'string' },
    'new-attention-order': { type: 'boolean' },
  },
  async run({ values, positionals }, io) {
    const dir = positionals[0];
    if (!dir || positionals.length > 1) throw new UsageError('give exactly one fixture directory');
    const { provider, precision } = runSettings(values);
    const overrides = overridesFromFlags(values);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`${dir}: not a directory`);
    const matching = verifiers.filter((v) => v.recognises(dir));
    if (matching.length === 0) {
      throw new Error(`${dir}: no known fixture layout (known: ${verifiers.map((v) => v.name).join(', ') || 'none'})`);
    }
    const report: Record<string, unknown> = {};
    let allOk = true;
    for (const v of matching) {
      const checks = await v.verify(dir, { landmarks: values.landmarks as string | undefined, provider, precision, overrides });
      report[v.name] = checks;
      allOk &&= checks.length > 0 && checks.every((c) => c.ok);
      if (!values.json) {
        io.out(`${v.name} (${provider}, ${precision}):`);
        for (const c of checks) {
          io.out(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name.padEnd(40)} worst rel. error ${c.worstRelativeError.toExponential(2)} (tolerance ${c.tolerance.toExponential(0)})`);
        }
      }
    }
    if (values.json) io.out(JSON.stringify({ dir, provider, precision, ok: allOk, verifiers: report }, null, 2));
    return allOk ? 0 : 1;
  },
};
