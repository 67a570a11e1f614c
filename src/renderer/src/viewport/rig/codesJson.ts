import type { FlameCodes } from '../../../../common/flame/codes';
import type { RigCodes } from './rigStore';

// Codes typed or pasted as JSON (e.g. copied from a notebook): DECA's names, numbers only.
// `light` may be flat (27) or nested (9 × 3).

const names: { key: keyof FlameCodes; aliases: string[] }[] = [
  { key: 'shape', aliases: ['shape'] },
  { key: 'expression', aliases: ['exp', 'expression'] },
  { key: 'pose', aliases: ['pose'] },
  { key: 'camera', aliases: ['cam', 'camera'] },
  { key: 'light', aliases: ['light'] },
];

function numbers(value: unknown, what: string): number[] {
  const flat = Array.isArray(value) ? value.flat(2) : null;
  if (!flat || !flat.every((v) => typeof v === 'number' && Number.isFinite(v))) throw new Error(`${what} must be a list of numbers`);
  return flat as number[];
}

/**
 * Parses pasted JSON into codes over `base` (parts not given keep their values). Throws a
 * message naming the part that is wrong.
 */
export function codesFromJson(text: string, base: FlameCodes): FlameCodes {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new Error('not valid JSON (expected e.g. {"exp": [0.5, 0, …], "pose": [0, 0.3, 0, 0.1, 0, 0]})');
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new Error('expected a JSON object with shape, exp, pose, cam and/or light');
  const record = data as Record<string, unknown>;
  const known = names.flatMap((n) => n.aliases);
  const unknown = Object.keys(record).filter((k) => !known.includes(k));
  if (unknown.length) throw new Error(`unknown key ${unknown.map((k) => `'${k}'`).join(', ')} (use shape, exp, pose, cam, light)`);
  const codes: FlameCodes = { shape: [...base.shape], expression: [...base.expression], pose: [...base.pose], camera: [...base.camera], light: [...base.light] };
  let given = 0;
  for (const { key, aliases } of names) {
    const alias = aliases.find((a) => a in record);
    if (!alias) continue;
    given++;
    const values = numbers(record[alias], `'${alias}'`);
    const width = { shape: 100, expression: 50, pose: 6, camera: 3, light: 27 }[key];
    const exact = key === 'camera' || key === 'light';
    if (exact ? values.length !== width : values.length > width) throw new Error(`'${alias}' has ${values.length} values; expected ${exact ? '' : 'up to '}${width}`);
    codes[key] = [...values, ...new Array<number>(width - values.length).fill(0)];
  }
  if (given === 0) throw new Error('no codes given (use shape, exp, pose, cam, light)');
  return codes;
}

/** The codes as compact JSON with DECA's names (what `codesFromJson` reads back). */
export function codesToJson(codes: RigCodes): string {
  const round = (values: Float32Array) => Array.from(values, (v) => Number(v.toPrecision(6)));
  return JSON.stringify({ shape: round(codes.shape), exp: round(codes.expression), pose: round(codes.pose), cam: round(codes.camera), light: round(codes.light) });
}
