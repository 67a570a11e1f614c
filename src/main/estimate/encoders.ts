/**
 * DECA and EMOCA encoders, built with the app's graph engine from the researcher's own
 * checkpoints: `E_flame` (ResNet-50 → Linear 2048→1024 → ReLU → Linear 1024→236) and EMOCA's
 * `E_expression` (the same design with 50 outputs, whose values replace DECA's expression).
 *
 * Input: a 224×224 RGB crop in [0, 1] (DECA's crop, no mean/std normalisation), NCHW.
 * Output: the 236-value code, laid out as `codeLayout` (src/common/flame/codes.ts).
 */
import { isNdArray } from '../io/ndarray';
import type { NdArray } from '../io/ndarray';
import type { StateDict } from '../checkpoint';
import { tensorFromNdArray } from '../checkpoint/stateDict';
import { GraphBuilder } from '../nn/builder';
import type { Graph, Value } from '../nn/ir';
import { buildEncoder } from '../models/resnet';
import { initializerSource, linear } from '../models/layers';
import { codeLayout, codeLength } from '../../common/flame/codes';

/**
 * Flattens the nested dicts of an unpickled checkpoint into dotted keys, keeping tensors only:
 * `{E_flame: {'encoder.conv1.weight': T}}` → `E_flame.encoder.conv1.weight`.
 */
export function flattenTensors(value: unknown, what: string, prefix = '', out: StateDict = new Map()): StateDict {
  if (isNdArray(value)) {
    if ((value as NdArray).dtype !== 'object') out.set(prefix.slice(0, -1), tensorFromNdArray(value as NdArray, `${what}: ${prefix.slice(0, -1)}`));
    return out;
  }
  if (value instanceof Map) {
    for (const [k, v] of value) flattenTensors(v, what, `${prefix}${String(k)}.`, out);
  }
  return out;
}

/** The sub-dict under `prefix` (e.g. 'E_flame.'), with the prefix removed. */
export function subDict(stateDict: StateDict, prefix: string): StateDict {
  const out: StateDict = new Map();
  for (const [k, t] of stateDict) if (k.startsWith(prefix)) out.set(k.slice(prefix.length), t);
  return out;
}

/**
 * Finds a module's keys in a flattened checkpoint whatever wraps it (`E_flame.` in DECA's
 * file, `deca.E_flame.` in EMOCA's Lightning checkpoint, `model.deca.…`): the prefix ending in
 * `module.` that most keys use.
 */
export function findModule(stateDict: StateDict, module: string, what: string): StateDict {
  const counts = new Map<string, number>();
  for (const key of stateDict.keys()) {
    let prefix: string;
    if (key.startsWith(`${module}.`)) prefix = `${module}.`;
    else {
      const at = key.indexOf(`.${module}.`);
      if (at < 0) continue;
      prefix = `${key.slice(0, at + 1)}${module}.`;
    }
    counts.set(prefix, (counts.get(prefix) ?? 0) + 1);
  }
  const best = [...counts].sort((a, b) => b[1] - a[1])[0];
  if (!best) {
    const roots = [...new Set([...stateDict.keys()].map((k) => k.split('.')[0]))].slice(0, 8);
    throw new Error(`${what}: no ${module} weights found (top-level names: ${roots.join(', ') || 'none'})`);
  }
  return subDict(stateDict, best[0]);
}

/** Output width of a ResnetEncoder state dict (rows of `layers.2.weight`). */
export function regressorOutputs(stateDict: StateDict, what: string): number {
  const w = stateDict.get('layers.2.weight');
  if (!w || w.shape.length !== 2) throw new Error(`${what}: layers.2.weight missing or not a matrix; not a DECA-style ResnetEncoder`);
  return w.shape[0];
}

/** Appends a DECA ResnetEncoder (ResNet-50 + 2048→1024→out regressor) reading `tensors`. */
export function appendResnetEncoder(b: GraphBuilder, tensors: StateDict, image: Value, name: string, what: string): Value {
  const out = regressorOutputs(tensors, what);
  const renamed = new Map([...tensors].map(([k, t]) => [`${name}.${k}`, t]));
  const params = initializerSource(b, renamed);
  return b.scope(name, () => {
    const features = buildEncoder(b, { block: 'bottleneck', layers: [3, 4, 6, 3], latentDim: 0 }, params, image, { prefix: `${name}.encoder.`, features: true });
    const hidden = b.relu(linear(b, params, `${name}.layers.0`, features, 2048, 1024));
    return linear(b, params, `${name}.layers.2`, hidden, 1024, out);
  });
}

/** Reports keys of a module that the graph did not use (a sign of a different architecture). */
export function unusedKeys(graph: Graph, tensors: StateDict, name: string): string[] {
  return [...tensors.keys()].filter((k) => !k.endsWith('num_batches_tracked') && !graph.value(`${name}.${k}`));
}

/** EMOCA's expression encoder and which code values it replaces (cfg: exp_deca_*_pose). */
export interface ExpressionEncoder {
  tensors: StateDict;
  /** Its outputs: 50 expression values, then 3 global and/or 3 jaw pose values. */
  pose: 'none' | 'jaw' | 'global' | 'both';
}

/**
 * The estimator graph: input `image` [batch, 3, 224, 224] → `code` [batch, 236]. With an
 * expression encoder (EMOCA) its outputs replace the code's expression (and, when configured,
 * pose) values, as EMOCA's ExpDECA.decompose_code does.
 */
export function buildDecaGraph(flame: StateDict, expression: ExpressionEncoder | undefined, what: string, batch = 1): Graph {
  const b = new GraphBuilder();
  b.graph.name = expression ? 'emoca' : 'deca';
  const image = b.input('image', 'float32', [batch, 3, 224, 224]);
  let code = appendResnetEncoder(b, flame, image, 'E_flame', what);
  if (code.shape[1] !== codeLength) throw new Error(`${what}: E_flame outputs ${code.shape[1]} values, DECA's code has ${codeLength}`);
  if (expression) {
    const extra = { none: 0, jaw: 3, global: 3, both: 6 }[expression.pose];
    const exp = appendResnetEncoder(b, expression.tensors, image, 'E_expression', what);
    const want = codeLayout.exp[1] + extra;
    if (exp.shape[1] !== want) throw new Error(`${what}: E_expression outputs ${exp.shape[1]} values, expected ${want} (50 expression + ${extra} pose)`);
    const part = (x: Value, from: number, to: number) => b.slice(x, [from], [to], [1]);
    const [expStart] = codeLayout.exp;
    const [poseStart] = codeLayout.pose;
    const pieces: Value[] = [part(code, 0, expStart), part(exp, 0, 50)];
    if (expression.pose === 'none') pieces.push(part(code, poseStart, codeLength));
    else if (expression.pose === 'both') pieces.push(part(exp, 50, 56), part(code, poseStart + 6, codeLength));
    else if (expression.pose === 'global') pieces.push(part(exp, 50, 53), part(code, poseStart + 3, codeLength));
    else pieces.push(part(code, poseStart, poseStart + 3), part(exp, 50, 53), part(code, poseStart + 6, codeLength));
    code = b.concat(pieces, 1);
  }
  const unused = [...unusedKeys(b.graph, flame, 'E_flame'), ...(expression ? unusedKeys(b.graph, expression.tensors, 'E_expression') : [])];
  if (unused.length > 0) throw new Error(`${what}: unexpected keys for a DECA ResNet-50 encoder: ${unused.slice(0, 5).join(', ')}${unused.length > 5 ? ', …' : ''}`);
  b.output(code, 'code');
  return b.graph;
}
