/**
 * Reads the YAML that EMOCA's Hydra/OmegaConf run saves next to its checkpoint (`cfg.yaml`)
 * through the `yaml` package: real Hydra-saved configs use flow mappings and sequences, anchors
 * and aliases, and multi-line strings, which only a full YAML reader handles. This module adds
 * what the app needs on top: errors that name the file and line, a check that the document is a
 * mapping, and dotted lookups (`model.expression_backbone`).
 */
import { parseDocument } from 'yaml';

export type YamlValue = string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue };

/** Parses YAML text; `what` names the file in errors. */
export function parseYaml(text: string, what: string): YamlValue {
  // YAML 1.2's core schema (OmegaConf, too, takes only true/false as booleans, so `off:` stays a
  // key) plus the `<<` merge keys that PyYAML, which OmegaConf reads with, understands
  const document = parseDocument(text, { merge: true, uniqueKeys: true });
  const problem = document.errors[0];
  if (problem) {
    const line = problem.linePos?.[0]?.line;
    // the first line of the message, without the position the file:line prefix already gives
    throw new Error(`${what}${line ? `:${line}` : ''}: ${problem.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`);
  }
  const value = document.toJS({ maxAliasCount: 10_000 }) as YamlValue | undefined;
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) throw new Error(`${what}:1: expected 'key: value' lines (a mapping), found ${Array.isArray(value) ? 'a list' : 'a single value'}`);
  return value;
}

/** Looks up a dotted path (`model.expression_backbone`); undefined when absent. */
export function yamlGet(value: YamlValue, path: string): YamlValue | undefined {
  let node: YamlValue | undefined = value;
  for (const part of path.split('.')) {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
    node = (node as { [key: string]: YamlValue })[part];
  }
  return node;
}
