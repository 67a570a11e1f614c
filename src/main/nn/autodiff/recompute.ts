/**
 * Activation recomputation for the autodiff (upstream's `use_checkpoint`, i.e.
 * torch.utils.checkpoint on each ResBlock and attention block). Normally a gradient rule reads
 * the forward values it saved (rule.inputsToSave / outputsToSave), which keeps every inner
 * activation of the network alive from the forward pass to the backward pass. For a node in a
 * recomputed segment the rule instead reads copies, made in the backward pass by cloning the
 * segment's forward nodes from the segment's inputs, so the forward originals are freed as soon
 * as the forward pass has used them; only the segments' inputs stay alive.
 *
 * A copy must not be computed early: ONNX has no control dependencies, and a runtime would
 * happily schedule a copy right after its original (and keep it). So every activation a copy
 * reads from outside its segment is first "gated" — plus a zero made from one element of the
 * gradient that reaches the segment (x + 0·g[0]) — which ties the whole copy to the backward
 * pass. The gate also keeps a common-subexpression pass from merging copies with originals.
 * The copies compute exactly what the originals computed (same ops, same inputs), so the
 * gradients are the same.
 */
import type { GraphBuilder } from '../builder';
import type { Node, Value } from '../ir';
import { Node as GraphNode } from '../ir';
import type { GradientRule } from './rule';
import { scalarOf } from './util';

interface Segment {
  gate?: Value;
  gated: Map<Value, Value>;
}

/** Builds and memoises the recomputed copies of segment values during one backward pass. */
export class Recomputation {
  private readonly segmentOf = new Map<Node, string>();
  private readonly producer = new Map<Value, Node>();
  private readonly segments = new Map<string, Segment>();
  private readonly copies = new Map<Value, Value>();

  constructor(
    private readonly builder: GraphBuilder,
    forwardNodes: readonly Node[],
    segment: (node: Node) => string | undefined,
  ) {
    for (const node of forwardNodes) {
      const key = segment(node);
      if (key !== undefined) this.segmentOf.set(node, key);
      for (const out of node.outputs) this.producer.set(out, node);
    }
  }

  /** Number of distinct segments seen among the forward nodes. */
  get segmentCount(): number {
    return new Set(this.segmentOf.values()).size;
  }

  /**
   * The node as `rule` should read it: a node outside every segment as it is; a node in a
   * segment with its saved inputs and outputs replaced by recomputed copies. `gradient` gives
   * a gradient that reaches the segment (asked once per segment, for the gate).
   */
  view(node: Node, rule: GradientRule, gradient: () => Value): Node {
    const key = this.segmentOf.get(node);
    if (key === undefined) return node;
    const saveIn = new Set(rule.inputsToSave);
    const saveOut = new Set(rule.outputsToSave ?? []);
    if (saveIn.size === 0 && saveOut.size === 0) return node;
    let segment = this.segments.get(key);
    if (!segment) {
      segment = { gated: new Map() };
      this.segments.set(key, segment);
    }
    if (!segment.gate) segment.gate = this.zeroFrom(gradient());
    const inputs = node.inputs.map((v, i) => (v && saveIn.has(i) ? this.copyOf(v, key) : v));
    const outputs = node.outputs.map((v, j) => (saveOut.has(j) ? this.copyOf(v, key) : v));
    return new GraphNode(node.opType, inputs, outputs, node.attributes, node.name, node.tags);
  }

  /** 0·g[0] as a scalar of g's type. */
  private zeroFrom(gradient: Value): Value {
    const b = this.builder;
    return b.scope('recompute_gate', () => {
      const flat = gradient.rank === 0 ? b.reshape(gradient, [1]) : b.reshape(gradient, [-1]);
      const first = b.slice(flat, [0], [1], [0]);
      return b.reshape(b.mul(first, scalarOf(b, 0, gradient.dtype)), []);
    });
  }

  /** The recomputed copy of `value` as seen from inside segment `key`. */
  private copyOf(value: Value, key: string): Value {
    const node = this.producer.get(value);
    if (!node || this.segmentOf.get(node) !== key) return value; // made outside: alive anyway
    const done = this.copies.get(value);
    if (done) return done;
    const inputs = node.inputs.map((v) => (v ? this.inputOf(v, key) : null));
    const b = this.builder;
    const clone = () => b.scope('recompute', () => b.op(node.opType, inputs, { ...node.attributes }, node.outputs.length));
    const outs = b.taggedAll(node.tags, clone);
    node.outputs.forEach((out, i) => this.copies.set(out, outs[i]));
    return this.copies.get(value)!;
  }

  /** What a copied node reads for `value`: a copy, a gated activation, or a constant/input. */
  private inputOf(value: Value, key: string): Value {
    const node = this.producer.get(value);
    if (!node) return value; // a graph input or initialiser (parameters, masks): no activation to gate
    if (this.segmentOf.get(node) === key) return this.copyOf(value, key);
    const segment = this.segments.get(key)!;
    const done = segment.gated.get(value);
    if (done) return done;
    if (value.dtype !== 'float32' && value.dtype !== 'float16') return value; // integer shapes, masks
    const b = this.builder;
    const zero = segment.gate!.dtype === value.dtype ? segment.gate! : b.cast(segment.gate!, value.dtype);
    const gated = b.scope('recompute_gate', () => b.add(value, zero));
    segment.gated.set(value, gated);
    return gated;
  }
}
