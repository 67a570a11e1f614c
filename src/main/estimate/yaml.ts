/**
 * A reader for the YAML subset OmegaConf writes (`cfg.yaml` next to EMOCA checkpoints): nested
 * block mappings by indentation, block lists of scalars or mappings, flow lists `[a, b]`,
 * plain/quoted scalars, comments. Why our own: the app needs a handful of keys from one config
 * file, and a full YAML library would be the only use of one. Anything outside the subset is
 * an error naming the file and line.
 */

export type YamlValue = string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue };

interface Line {
  indent: number;
  text: string;
  number: number;
}

/** Parses YAML text; `what` names the file in errors. */
export function parseYaml(text: string, what: string): YamlValue {
  const lines: Line[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const stripped = stripComment(raw);
    if (stripped.trim() === '' || stripped.trim() === '---') return;
    if (/\t/.test(raw.slice(0, raw.length - raw.trimStart().length))) throw new Error(`${what}:${i + 1}: tab indentation`);
    lines.push({ indent: raw.length - raw.trimStart().length, text: stripped.trim(), number: i + 1 });
  });
  if (lines.length === 0) return null;
  const [value, next] = parseBlock(lines, 0, lines[0].indent, what);
  if (next < lines.length) throw new Error(`${what}:${lines[next].number}: unexpected indentation`);
  return value;
}

function parseBlock(lines: Line[], start: number, indent: number, what: string): [YamlValue, number] {
  if (lines[start].text.startsWith('- ') || lines[start].text === '-') return parseList(lines, start, indent, what);
  return parseMap(lines, start, indent, what);
}

function parseMap(lines: Line[], start: number, indent: number, what: string): [YamlValue, number] {
  const out: { [key: string]: YamlValue } = {};
  let i = start;
  while (i < lines.length && lines[i].indent === indent) {
    const line = lines[i];
    const colon = findColon(line.text);
    if (colon < 0) throw new Error(`${what}:${line.number}: expected 'key: value'`);
    const key = unquote(line.text.slice(0, colon).trim());
    const rest = line.text.slice(colon + 1).trim();
    i++;
    if (rest !== '') {
      out[key] = scalar(rest, what, line.number);
    } else if (i < lines.length && (lines[i].indent > indent || (lines[i].indent === indent && lines[i].text.startsWith('-')))) {
      const [value, next] = parseBlock(lines, i, lines[i].indent, what);
      out[key] = value;
      i = next;
    } else {
      out[key] = null;
    }
  }
  if (i < lines.length && lines[i].indent > indent) throw new Error(`${what}:${lines[i].number}: unexpected indentation`);
  return [out, i];
}

function parseList(lines: Line[], start: number, indent: number, what: string): [YamlValue, number] {
  const out: YamlValue[] = [];
  let i = start;
  while (i < lines.length && lines[i].indent === indent && (lines[i].text.startsWith('- ') || lines[i].text === '-')) {
    const line = lines[i];
    const item = line.text.slice(1).trim();
    i++;
    if (item === '') {
      if (i < lines.length && lines[i].indent > indent) {
        const [value, next] = parseBlock(lines, i, lines[i].indent, what);
        out.push(value);
        i = next;
      } else out.push(null);
    } else if (findColon(item) >= 0 && !/^["'[{]/.test(item)) {
      // "- key: value" starts a mapping whose other keys are indented to the key's column
      const column = indent + (line.text.length - item.length);
      const inner: Line[] = [{ indent: column, text: item, number: line.number }];
      while (i < lines.length && lines[i].indent >= column) inner.push(lines[i++]);
      const [value] = parseMap(inner, 0, column, what);
      out.push(value);
    } else {
      out.push(scalar(item, what, line.number));
    }
  }
  return [out, i];
}

function scalar(text: string, what: string, line: number): YamlValue {
  if (text.startsWith('[')) {
    if (!text.endsWith(']')) throw new Error(`${what}:${line}: unterminated flow list`);
    const body = text.slice(1, -1).trim();
    return body === '' ? [] : splitFlow(body).map((s) => scalar(s.trim(), what, line));
  }
  if (text.startsWith('{')) {
    if (text === '{}') return {};
    throw new Error(`${what}:${line}: flow mappings are not supported`);
  }
  if (/^["']/.test(text)) return unquote(text);
  if (/^(true|True|TRUE)$/.test(text)) return true;
  if (/^(false|False|FALSE)$/.test(text)) return false;
  if (/^(null|Null|NULL|~)$/.test(text)) return null;
  if (/^[-+]?(\d[\d_]*)?\.?\d+([eE][-+]?\d+)?$/.test(text)) return Number(text.replaceAll('_', ''));
  if (/^[-+]?\.(inf|Inf|INF)$/.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  return text;
}

function splitFlow(body: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote = '';
  let from = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[') depth++;
    else if (c === ']') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(body.slice(from, i));
      from = i + 1;
    }
  }
  parts.push(body.slice(from));
  return parts;
}

/** Index of the mapping colon (followed by space or end), outside quotes; −1 if none. */
function findColon(text: string): number {
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === ':' && (i + 1 === text.length || text[i + 1] === ' ')) return i;
  }
  return -1;
}

function stripComment(line: string): string {
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]))) return line.slice(0, i);
  }
  return line;
}

function unquote(text: string): string {
  if (text.length >= 2 && ((text.startsWith('"') && text.endsWith('"')) || (text.startsWith("'") && text.endsWith("'")))) {
    const body = text.slice(1, -1);
    return text.startsWith("'") ? body.replaceAll("''", "'") : body.replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));
  }
  return text;
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
