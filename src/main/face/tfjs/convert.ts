/**
 * TensorFlow.js graph model → the app's graph IR (nn/ir.ts) → ONNX.
 *
 * Why our own converter: the face models ship only in TFJS graph format inside an npm package,
 * the product runs ONNX on onnxruntime-node, and there is no JavaScript TF→ONNX converter
 * (tf2onnx is Python). These models use a dozen TF ops, each a direct match for one or a few
 * ONNX ops of the IR, so the converter is a table of small translations (`tfOps` below).
 *
 * Layout: TF here is NHWC; ONNX Conv/Pool are NCHW. The converter keeps every 4-D activation in
 * NCHW (the graph input is declared NCHW) and records that per tensor; layout-sensitive ops
 * (Reshape, Pad, Mean, Concat, Softmax, broadcasting with constants) remap axes or transpose
 * back to NHWC. Graph outputs are always in TF's own layout, so they compare 1:1 with tfjs.
 * Shapes are static: the batch size is fixed at conversion (1 by default).
 */
import type { Value } from '../../nn/ir';
import { GraphBuilder } from '../../nn/builder';
import { serializeGraph } from '../../nn/serialize';
import type { TfAttr, TfGraphModel, TfNode, TfTensor } from './graphModel';

/** A converted TF tensor: the IR value, and whether it holds an NHWC tensor as NCHW. */
interface Converted {
  value: Value;
  nchw: boolean;
}

/** Result of a conversion. */
export interface ConvertedModel {
  builder: GraphBuilder;
  /** Graph input name (one input, NCHW float32). */
  input: string;
  inputShape: number[];
  /** TF output node name → ONNX output name (the same, sanitised). */
  outputs: Map<string, string>;
  /** TF ops in the model and how often each occurs. */
  inventory: Map<string, number>;
}

/** Options of `convertTfjsGraph`. */
export interface ConvertOptions {
  batch?: number;
}

const nhwcToNchwAxis = [0, 2, 3, 1];

/** Every TF op the converter understands (the op inventory of the supported models). */
export const supportedTfOps: readonly string[] = Object.freeze([
  'Placeholder', 'Const', 'Identity', '_FusedConv2D', 'Conv2D', 'DepthwiseConv2dNative', 'FusedDepthwiseConv2dNative',
  'MatMul', '_FusedMatMul', 'BiasAdd', 'AddV2', 'Add', 'Sub', 'Mul', 'Maximum', 'Minimum', 'Relu', 'Relu6', 'Sigmoid',
  'Tanh', 'Prelu', 'LeakyRelu', 'MaxPool', 'AvgPool', 'Pad', 'Reshape', 'Mean', 'Softmax', 'ConcatV2',
]);

/** Counts the ops of a model; throws naming every op the converter lacks. */
export function opInventory(model: TfGraphModel): Map<string, number> {
  const counts = new Map<string, number>();
  for (const n of model.nodes) counts.set(n.op, (counts.get(n.op) ?? 0) + 1);
  const missing = [...counts.keys()].filter((op) => !supportedTfOps.includes(op));
  if (missing.length > 0) throw new Error(`${model.source}: TF ops not supported by the converter: ${missing.join(', ')}`);
  return counts;
}

/** Converts a parsed TFJS graph model to an IR graph (one NCHW input). */
export function convertTfjsGraph(model: TfGraphModel, options: ConvertOptions = {}): ConvertedModel {
  const inventory = opInventory(model);
  const batch = options.batch ?? 1;
  if (model.inputs.length !== 1) throw new Error(`${model.source}: expected one input, found ${model.inputs.length}`);
  const b = new GraphBuilder();
  const byName = new Map(model.nodes.map((n) => [n.name, n]));
  const done = new Map<string, Converted>();
  const fail = (node: TfNode, msg: string): never => {
    throw new Error(`${model.source}: node ${node.name} (${node.op}): ${msg}`);
  };

  const tfInput = model.inputs[0];
  const [, h, w, c] = tfInput.shape;
  if (tfInput.shape.length !== 4 || [h, w, c].some((d) => !(d > 0))) {
    throw new Error(`${model.source}: input ${tfInput.name} shape [${tfInput.shape.join(',')}] is not NHWC with known H, W, C`);
  }
  const inputShape = [batch, c, h, w];
  const inputName = sanitise(tfInput.name);
  done.set(tfInput.name, { value: b.input(inputName, 'float32', inputShape), nchw: true });

  const constOf = (node: TfNode, index: number): TfTensor => {
    const ref = node.inputs[index];
    if (!ref) fail(node, `missing input ${index}`);
    const src = resolveIdentity(byName, ref.node);
    const t = model.weights.get(src);
    if (!t) fail(node, `input ${index} (${ref.node}) must be a constant`);
    return t!;
  };

  // Constants become initialisers on first use, in the layout their consumer needs.
  const initialiser = (t: TfTensor, suffix: string, data: Float32Array, shape: number[]): Value =>
    b.initializer(b.graph.uniqueName(sanitise(t.name) + suffix), { dtype: 'float32', shape, data });

  const get = (node: TfNode, index: number): Converted => {
    const ref = node.inputs[index];
    if (!ref) fail(node, `missing input ${index}`);
    if (ref.output !== 0) fail(node, `reads output ${ref.output} of ${ref.node}; only single-output ops are supported`);
    const converted = done.get(ref.node);
    if (!converted) fail(node, `input ${ref.node} is a constant where an activation is expected`);
    return converted!;
  };

  const toNhwc = (x: Converted): Value => (x.nchw && x.value.rank === 4 ? b.transpose(x.value, [0, 2, 3, 1]) : x.value);

  /** A float constant operand laid out to broadcast against `other`. */
  const constantLike = (t: TfTensor, other: Converted): Value => {
    const data = floatData(t);
    if (!other.nchw || t.shape.length === 0) return initialiser(t, '', data, t.shape);
    const shape = [...Array(4 - t.shape.length).fill(1), ...t.shape];
    if (shape.length !== 4) throw new Error(`${t.name}: rank ${t.shape.length} constant cannot broadcast with a 4-D tensor`);
    const [n, hh, ww, cc] = shape;
    const out = new Float32Array(data.length);
    for (let i0 = 0; i0 < n; i0++)
      for (let y = 0; y < hh; y++)
        for (let x = 0; x < ww; x++)
          for (let ch = 0; ch < cc; ch++) out[((i0 * cc + ch) * hh + y) * ww + x] = data[((i0 * hh + y) * ww + x) * cc + ch];
    return initialiser(t, '_nchw', out, [n, cc, hh, ww]);
  };

  const operand = (node: TfNode, index: number, other: Converted): Converted => {
    const ref = node.inputs[index];
    const src = resolveIdentity(byName, ref.node);
    const t = model.weights.get(src);
    if (t) return { value: constantLike(t, other), nchw: other.nchw };
    return get(node, index);
  };

  const binary = (node: TfNode, op: (a: Value, c: Value) => Value): Converted => {
    const isConst = node.inputs.map((r) => model.weights.has(resolveIdentity(byName, r.node)));
    if (isConst[0] && isConst[1]) fail(node, 'both operands constant');
    const varIndex = isConst[0] ? 1 : 0;
    const x = get(node, varIndex);
    const other = operand(node, 1 - varIndex, x);
    const ordered = (a: Value, c: Value): Value => (varIndex === 0 ? op(a, c) : op(c, a));
    if (other.nchw !== x.nchw) return { value: ordered(toNhwc(x), toNhwc(other)), nchw: false };
    return { value: ordered(x.value, other.value), nchw: x.nchw };
  };

  const activation = (node: TfNode, x: Value, kind: string, alpha?: TfTensor, nchw = true): Value => {
    switch (kind) {
      case 'Relu':
        return b.relu(x);
      case 'Relu6':
        return b.clip(x, 0, 6);
      case 'Sigmoid':
        return b.sigmoid(x);
      case 'Tanh':
        return b.tanh(x);
      case 'LeakyRelu': {
        // max(x, α·x) equals LeakyReLU for 0 ≤ α ≤ 1 (TF's default α is 0.2)
        const a = node.attrs.leakyrelu_alpha ?? node.attrs.alpha;
        const slope = a && a.kind === 'float' ? a.value : 0.2;
        if (slope < 0 || slope > 1) return fail(node, `LeakyRelu alpha ${slope} outside [0, 1]`);
        return b.max(x, b.mul(x, b.scalar(slope)));
      }
      case 'Prelu': {
        if (!alpha) return fail(node, 'Prelu without alpha');
        const a = constantLike(alpha, { value: x, nchw });
        // PReLU(x) = relu(x) + α·(x − relu(x)); exact, and keeps the IR's op set small
        const r = b.relu(x);
        return b.add(r, b.mul(b.sub(x, r), a));
      }
      default:
        return fail(node, `fused activation ${kind} not supported`);
    }
  };

  /**
   * MatMul of a 2-D activation by a constant matrix; Grappler's `_FusedMatMul` adds the bias
   * (`fused_ops` BiasAdd, input 2) and optionally an activation (Relu, Relu6, Sigmoid, Tanh,
   * LeakyRelu; Prelu with its alpha as input 3) to it.
   */
  const matMul = (node: TfNode): Converted => {
    const x = get(node, 0);
    const a = toNhwc(x);
    if (a.rank !== 2) fail(node, `input of rank ${a.rank}; only 2-D MatMul is supported`);
    if (bool(node.attrs.transpose_a)) fail(node, 'transpose_a not supported');
    const kernel = constOf(node, 1);
    if (kernel.shape.length !== 2) fail(node, `kernel of rank ${kernel.shape.length}`);
    const transB = bool(node.attrs.transpose_b);
    const weight = initialiser(kernel, '', floatData(kernel), kernel.shape);
    let bias: Value | undefined;
    let fused: string[] = [];
    if (node.op === '_FusedMatMul') {
      fused = strings(node.attrs.fused_ops);
      if (fused[0] !== 'BiasAdd') fail(node, `fused ops ${fused.join('+')} not supported (need BiasAdd first)`);
      if (fused.length > 2) fail(node, `fused ops ${fused.join('+')} not supported`);
      const biasT = constOf(node, 2);
      bias = initialiser(biasT, '', floatData(biasT), [biasT.shape[biasT.shape.length - 1]]);
    }
    let y = b.gemm(a, weight, bias, { transB });
    if (fused.length > 1) y = activation(node, y, fused[1], fused[1] === 'Prelu' ? constOf(node, 3) : undefined, false);
    return { value: y, nchw: false };
  };

  const translate = (node: TfNode): Converted => {
    switch (node.op) {
      case 'Identity':
        return get(node, 0);
      case 'Placeholder':
        return fail(node, 'second input');
      case 'Const':
        return fail(node, 'constant used as an activation');
      case 'Conv2D':
      case '_FusedConv2D':
      case 'DepthwiseConv2dNative':
      case 'FusedDepthwiseConv2dNative': {
        const x = get(node, 0);
        if (!x.nchw || x.value.rank !== 4) fail(node, 'input is not a 4-D activation');
        checkNhwc(node, fail);
        const filter = constOf(node, 1);
        const depthwise = node.op === 'DepthwiseConv2dNative' || node.op === 'FusedDepthwiseConv2dNative';
        const [kh, kw, cin, cout] = filter.shape;
        const weights = depthwise ? depthwiseWeights(filter) : convWeights(filter);
        const weight = initialiser(filter, depthwise ? '_dw' : '_oihw', weights.data, weights.shape);
        const strides = spatial(node, 'strides', fail);
        const dilations = node.attrs.dilations ? spatial(node, 'dilations', fail) : [1, 1];
        const pads = padsFor(node, x.value.shape, [kh, kw], strides, dilations, fail);
        let bias: Value | undefined;
        let fused: string[] = [];
        if (node.op === '_FusedConv2D' || node.op === 'FusedDepthwiseConv2dNative') {
          fused = strings(node.attrs.fused_ops);
          if (fused[0] !== 'BiasAdd') fail(node, `fused ops ${fused.join('+')} not supported (need BiasAdd first)`);
          const biasT = constOf(node, 2);
          bias = initialiser(biasT, '', floatData(biasT), [biasT.shape[0]]);
        }
        let y = b.conv(x.value, weight, bias, { strides, dilations, pads, group: depthwise ? cin : undefined });
        if (!depthwise && y.shape[1] !== cout) fail(node, 'output channels mismatch');
        if (fused.length > 1) y = activation(node, y, fused[1], fused[1] === 'Prelu' ? constOf(node, 3) : undefined);
        if (fused.length > 2) fail(node, `fused ops ${fused.join('+')} not supported`);
        return { value: y, nchw: true };
      }
      case 'MatMul':
      case '_FusedMatMul':
        return matMul(node);
      case 'BiasAdd': {
        const x = get(node, 0);
        const biasT = constOf(node, 1);
        checkNhwc(node, fail);
        const bias = x.nchw ? constantLike(biasT, x) : initialiser(biasT, '', floatData(biasT), [biasT.shape[0]]);
        return { value: b.add(x.value, bias), nchw: x.nchw };
      }
      case 'AddV2':
      case 'Add':
        return binary(node, (a, c2) => b.add(a, c2));
      case 'Sub':
        return binary(node, (a, c2) => b.sub(a, c2));
      case 'Mul':
        return binary(node, (a, c2) => b.mul(a, c2));
      case 'Maximum':
        return binary(node, (a, c2) => b.max(a, c2));
      case 'Minimum':
        return binary(node, (a, c2) => b.min(a, c2));
      case 'Relu':
      case 'Relu6':
      case 'LeakyRelu': {
        const x = get(node, 0);
        return { value: activation(node, x.value, node.op), nchw: x.nchw };
      }
      case 'Prelu': {
        const x = get(node, 0);
        if (!x.nchw) fail(node, 'Prelu on a non-4-D tensor');
        return { value: activation(node, x.value, 'Prelu', constOf(node, 1)), nchw: true };
      }
      case 'Sigmoid': {
        const x = get(node, 0);
        return { value: b.sigmoid(x.value), nchw: x.nchw };
      }
      case 'Tanh': {
        const x = get(node, 0);
        return { value: b.tanh(x.value), nchw: x.nchw };
      }
      case 'MaxPool':
      case 'AvgPool': {
        const x = get(node, 0);
        checkNhwc(node, fail);
        const kernel = spatial(node, 'ksize', fail);
        const strides = spatial(node, 'strides', fail);
        const pads = padsFor(node, x.value.shape, kernel, strides, [1, 1], fail);
        const opts = { kernel, strides, pads };
        return { value: node.op === 'MaxPool' ? b.maxPool(x.value, opts) : b.averagePool(x.value, opts), nchw: true };
      }
      case 'Pad': {
        const x = get(node, 0);
        const p = Array.from(intData(constOf(node, 1)));
        const rank = x.value.rank;
        if (p.length !== 2 * rank) fail(node, `paddings of ${p.length / 2} axes for rank ${rank}`);
        const begins: number[] = [];
        const ends: number[] = [];
        for (let axis = 0; axis < rank; axis++) {
          const tfAxis = x.nchw ? [0, 3, 1, 2][axis] : axis;
          begins.push(p[2 * tfAxis]);
          ends.push(p[2 * tfAxis + 1]);
        }
        return { value: b.pad(x.value, [...begins, ...ends]), nchw: x.nchw };
      }
      case 'Reshape': {
        const x = get(node, 0);
        const shape = Array.from(intData(constOf(node, 1)));
        if (shape[0] === -1 || shape[0] === 1) shape[0] = batch;
        return { value: b.reshape(toNhwc(x), shape), nchw: false };
      }
      case 'Mean': {
        const x = get(node, 0);
        const axes = Array.from(intData(constOf(node, 1))).map((a) => (a < 0 ? a + x.value.rank : a));
        const keep = bool(node.attrs.keep_dims);
        if (!x.nchw) return { value: b.reduceMean(x.value, axes, keep), nchw: false };
        if (keep) return { value: b.reduceMean(x.value, axes.map((a) => nhwcToNchwAxis[a]), true), nchw: true };
        return { value: b.reduceMean(toNhwc(x), axes, false), nchw: false };
      }
      case 'Softmax': {
        const x = get(node, 0);
        return { value: b.softmax(x.value, x.nchw && x.value.rank === 4 ? 1 : -1), nchw: x.nchw };
      }
      case 'ConcatV2': {
        const parts = node.inputs.slice(0, -1).map((_, i) => get(node, i));
        let axis = Number(intData(constOf(node, node.inputs.length - 1))[0]);
        const allNchw = parts.every((p) => p.nchw);
        const rank = parts[0].value.rank;
        if (axis < 0) axis += rank;
        if (allNchw) return { value: b.concat(parts.map((p) => p.value), nhwcToNchwAxis[axis]), nchw: true };
        return { value: b.concat(parts.map(toNhwc), axis), nchw: false };
      }
      default:
        return fail(node, 'op not supported');
    }
  };

  for (const node of topologicalOrder(model, byName)) {
    if (node.op === 'Const' || done.has(node.name)) continue;
    if (node.op === 'Identity' && model.weights.has(resolveIdentity(byName, node.name))) continue; // read through by constOf
    done.set(node.name, b.scope(sanitise(node.name), () => translate(node)));
  }
  const outputs = new Map<string, string>();
  for (const name of model.outputs) {
    const converted = done.get(name);
    if (!converted) throw new Error(`${model.source}: output node ${name} not found`);
    const onnxName = sanitise(name);
    b.output(toNhwc(converted), onnxName);
    outputs.set(name, onnxName);
  }
  return { builder: b, input: inputName, inputShape, outputs, inventory };
}

/** Converts and serialises to ONNX bytes, recording the source in the model metadata. */
export function tfjsToOnnx(model: TfGraphModel, options: ConvertOptions & { metadata?: Record<string, string> } = {}): { bytes: Uint8Array; converted: ConvertedModel } {
  const converted = convertTfjsGraph(model, options);
  converted.builder.graph.name = sanitise(model.source.split(/[\\/]/).pop() ?? 'model');
  const bytes = serializeGraph(converted.builder.graph, {
    producerName: 'rig-studio tfjs converter',
    metadata: { source: model.source, convertedBy: model.convertedBy, generatedBy: model.generatedBy, ...options.metadata },
  });
  return { bytes, converted };
}

/** Nodes the outputs depend on, inputs first (TFJS node lists are not always sorted). */
function topologicalOrder(model: TfGraphModel, byName: Map<string, TfNode>): TfNode[] {
  const order: TfNode[] = [];
  const state = new Map<string, 'open' | 'done'>();
  for (const root of model.outputs) {
    const start = byName.get(root);
    if (!start || state.has(root)) continue;
    const stack: { node: TfNode; next: number }[] = [{ node: start, next: 0 }];
    state.set(root, 'open');
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (top.next < top.node.inputs.length) {
        const child = byName.get(top.node.inputs[top.next++].node)!;
        const seen = state.get(child.name);
        if (seen === 'open') throw new Error(`${model.source}: cycle through node ${child.name}`);
        if (seen === undefined) {
          state.set(child.name, 'open');
          stack.push({ node: child, next: 0 });
        }
      } else {
        state.set(top.node.name, 'done');
        order.push(top.node);
        stack.pop();
      }
    }
  }
  return order;
}

function resolveIdentity(byName: Map<string, TfNode>, name: string): string {
  let n = byName.get(name);
  while (n && n.op === 'Identity' && n.inputs.length === 1) n = byName.get(n.inputs[0].node);
  return n ? n.name : name;
}

function sanitise(name: string): string {
  return name.replace(/[^A-Za-z0-9_./-]/g, '_');
}

function floatData(t: TfTensor): Float32Array {
  if (t.data instanceof Float32Array) return t.data;
  return Float32Array.from(t.data);
}

function intData(t: TfTensor): Int32Array {
  if (t.data instanceof Int32Array) return t.data;
  return Int32Array.from(t.data, (v) => Math.round(v));
}

function strings(a: TfAttr | undefined): string[] {
  return a && a.kind === 'strings' ? a.value : [];
}

function bool(a: TfAttr | undefined): boolean {
  return a !== undefined && a.kind === 'bool' && a.value;
}

function checkNhwc(node: TfNode, fail: (n: TfNode, m: string) => never): void {
  const f = node.attrs.data_format;
  if (f && f.kind === 'string' && f.value !== 'NHWC') fail(node, `data format ${f.value} not supported`);
}

/** The H and W entries of an NHWC 4-element list attribute. */
function spatial(node: TfNode, key: string, fail: (n: TfNode, m: string) => never): number[] {
  const a = node.attrs[key];
  if (!a || a.kind !== 'ints' || a.value.length !== 4) return fail(node, `attribute ${key} missing or not 4 ints`);
  return [a.value[1], a.value[2]];
}

/** ONNX pads [top, left, bottom, right] for TF's SAME/VALID/EXPLICIT padding. */
function padsFor(node: TfNode, nchwShape: readonly number[], kernel: number[], strides: number[], dilations: number[], fail: (n: TfNode, m: string) => never): number[] {
  const mode = node.attrs.padding;
  const padding = mode && mode.kind === 'string' ? mode.value : 'VALID';
  if (padding === 'VALID') return [0, 0, 0, 0];
  if (padding === 'EXPLICIT') {
    const e = node.attrs.explicit_paddings;
    if (!e || e.kind !== 'ints' || e.value.length !== 8) return fail(node, 'explicit_paddings missing');
    return [e.value[2], e.value[4], e.value[3], e.value[5]];
  }
  if (padding !== 'SAME') return fail(node, `padding ${padding} not supported`);
  const begin: number[] = [];
  const end: number[] = [];
  for (let i = 0; i < 2; i++) {
    const size = nchwShape[2 + i];
    const span = dilations[i] * (kernel[i] - 1) + 1;
    const out = Math.ceil(size / strides[i]);
    const total = Math.max((out - 1) * strides[i] + span - size, 0);
    begin.push(Math.floor(total / 2)); // TF puts the odd pixel at the end
    end.push(total - Math.floor(total / 2));
  }
  return [...begin, ...end];
}

/** HWIO → OIHW. */
function convWeights(t: TfTensor): { data: Float32Array; shape: number[] } {
  const [kh, kw, cin, cout] = t.shape;
  const src = floatData(t);
  const out = new Float32Array(src.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < cin; i++)
        for (let o = 0; o < cout; o++) out[((o * cin + i) * kh + y) * kw + x] = src[((y * kw + x) * cin + i) * cout + o];
  return { data: out, shape: [cout, cin, kh, kw] };
}

/** Depthwise HWCM → grouped OIHW [C·M, 1, H, W] (TF output channel c·M + m). */
function depthwiseWeights(t: TfTensor): { data: Float32Array; shape: number[] } {
  const [kh, kw, cin, mult] = t.shape;
  const src = floatData(t);
  const out = new Float32Array(src.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let ch = 0; ch < cin; ch++)
        for (let m = 0; m < mult; m++) out[((ch * mult + m) * kh + y) * kw + x] = src[((y * kw + x) * cin + ch) * mult + m];
  return { data: out, shape: [cin * mult, 1, kh, kw] };
}
