/**
 * Reverse-mode automatic differentiation over the graph IR (nn/ir.ts). The gradient nodes are
 * appended to the same graph, so one `session.run` computes the forward pass, the backward pass
 * and whatever the caller builds on the gradients (e.g. an optimiser step).
 *
 * Why our own: ONNX Runtime dropped its training API and its gradient builder lives in the
 * non-standard `com.microsoft` / `ai.onnx.preview.training` domains, which other execution
 * providers do not run. Here every gradient is made of default-domain ops, one rule per op
 * (rules/), so the training graph runs wherever inference does.
 *
 * What happens:
 * - values that depend on a `wrt` value are marked (forward sweep); values the loss depends on
 *   are marked (backward sweep). Only nodes in both sets are differentiated, so frozen branches
 *   (a frozen encoder, timestep embeddings of integer inputs) cost nothing;
 * - a value read by several nodes collects one gradient contribution per use; they are summed
 *   with Add when the value's own producer is reached (gradient accumulation);
 * - rules return lazy per-input gradients; thunks of inputs that need no gradient never run;
 * - with `recompute`, forward nodes are grouped into segments (e.g. the UNet's ResBlocks) whose
 *   inner activations the backward pass recomputes instead of keeping (upstream's
 *   use_checkpoint): see recompute.ts.
 */
import type { GraphBuilder } from '../builder';
import type { Node, Value } from '../ir';
import { isFloat } from '../ir';
import { fmt } from '../shape';
import { Recomputation } from './recompute';
import { gradientRules } from './registry';
import type { GradientContext } from './rule';
import { scalarOf, unbroadcast, zerosLike } from './util';

/** Options of `addGradients`. */
export interface GradientOptions {
  /** Gradient of the final output with respect to `loss`; defaults to ones (d loss / d loss). */
  seed?: Value;
  /**
   * What to return for a `wrt` value the loss does not depend on: 'zeros' (default) or 'throw'
   * (catches a parameter accidentally cut off from the loss).
   */
  unreachable?: 'zeros' | 'throw';
  /**
   * Activation recomputation: the segment a forward node belongs to (undefined: none). The
   * backward pass of a segment reads copies of its inner values recomputed from the segment's
   * inputs, so the forward originals die as soon as the forward pass is past the segment.
   */
  recompute?: (node: Node) => string | undefined;
}

/** What `addGradients` built. */
export interface Gradients {
  /** Gradient of the loss for each `wrt` value (same shape and dtype). */
  grads: Map<Value, Value>;
  /** Number of forward nodes that were differentiated (the rest were pruned). */
  differentiatedNodes: number;
}

/**
 * Appends to `builder.graph` the gradient of `loss` with respect to each value of `wrt`
 * (graph inputs or initialisers, typically parameters). Throws naming the node when an op on
 * the path from a `wrt` value to the loss has no gradient rule.
 */
export function addGradients(builder: GraphBuilder, loss: Value, wrt: readonly Value[], options: GradientOptions = {}): Gradients {
  const graph = builder.graph;
  const forwardNodes = graph.nodes.slice();

  // forward sweep: values that depend on some wrt value through float edges
  const dependsOnWrt = new Set<Value>();
  for (const v of wrt) {
    if (!isFloat(v.dtype)) throw new Error(`gradient with respect to ${v} requested, but it is not a float tensor`);
    dependsOnWrt.add(v);
  }
  for (const node of forwardNodes) {
    if (node.inputs.some((v) => v !== null && dependsOnWrt.has(v))) {
      for (const out of node.outputs) if (isFloat(out.dtype)) dependsOnWrt.add(out);
    }
  }

  // backward sweep: nodes on a path wrt → loss
  const lossNeeds = new Set<Value>([loss]);
  const active: Node[] = [];
  for (let i = forwardNodes.length - 1; i >= 0; i--) {
    const node = forwardNodes[i];
    if (!node.outputs.some((v) => lossNeeds.has(v))) continue;
    let onPath = false;
    for (const input of node.inputs) {
      if (input && dependsOnWrt.has(input)) {
        lossNeeds.add(input);
        onPath = true;
      }
    }
    if (onPath) active.push(node);
  }

  const contributions = new Map<Value, Value[]>();
  const summed = new Map<Value, Value>();
  const contribute = (value: Value, grad: Value) => {
    const list = contributions.get(value);
    if (list) list.push(grad);
    else contributions.set(value, [grad]);
  };
  // sums the contributions of a value once all its consumers (later nodes) have run
  const gradOf = (value: Value): Value | undefined => {
    const done = summed.get(value);
    if (done) return done;
    const list = contributions.get(value);
    if (!list || list.length === 0) return undefined;
    let total = list[0];
    for (let i = 1; i < list.length; i++) total = builder.add(total, list[i]);
    summed.set(value, total);
    return total;
  };

  const seed = options.seed ?? builder.scope('grad', () => onesLike(builder, loss));
  if (seed.dtype !== loss.dtype || fmt(seed.shape) !== fmt(loss.shape)) {
    throw new Error(`gradient seed ${seed} does not match loss ${loss}`);
  }
  contribute(loss, seed);

  const recomputation = options.recompute ? new Recomputation(builder, forwardNodes, options.recompute) : undefined;
  for (const node of active) {
    const rule = gradientRules.get(node.opType);
    if (!rule) throw new Error(`no gradient rule for op ${node.opType} (node ${node.name}), which lies between a trained value and the loss`);
    builder.scope(`grad/${node.name}`, () => {
      // the rule reads the saved values of a recomputed node from the copies; the gradient
      // bookkeeping below stays on the original values
      const gate = () => {
        const index = node.outputs.findIndex((v) => (contributions.get(v)?.length ?? 0) > 0);
        return gradOf(node.outputs[Math.max(index, 0)]) ?? seed;
      };
      const view = recomputation ? recomputation.view(node, rule, gate) : node;
      const context: GradientContext = {
        node: view,
        builder,
        outputGrad: (index = 0) => gradOf(node.outputs[index]) ?? zerosLike(builder, node.outputs[index]),
        hasOutputGrad: (index) => (contributions.get(node.outputs[index])?.length ?? 0) > 0,
        unbroadcast: (grad, target) => unbroadcast(builder, grad, target),
      };
      const thunks = rule.grad(context);
      node.inputs.forEach((input, i) => {
        if (!input || !lossNeeds.has(input)) return;
        const thunk = thunks[i];
        if (!thunk) throw new Error(`gradient rule ${node.opType} gives no gradient for input ${i} (${input.name}) of node ${node.name}`);
        const grad = thunk();
        if (grad.dtype !== input.dtype || fmt(grad.shape) !== fmt(input.shape)) {
          throw new Error(`gradient rule ${node.opType}: gradient ${grad} for input ${input} of node ${node.name} has the wrong type`);
        }
        contribute(input, grad);
      });
    });
  }

  const grads = new Map<Value, Value>();
  for (const v of wrt) {
    const grad = gradOf(v);
    if (grad) grads.set(v, grad);
    else if (options.unreachable === 'throw') throw new Error(`the loss does not depend on ${v.name}`);
    else grads.set(v, builder.scope('grad', () => zerosLike(builder, v)));
  }
  return { grads, differentiatedNodes: active.length };
}

function onesLike(builder: GraphBuilder, value: Value): Value {
  const one = scalarOf(builder, 1, value.dtype);
  return value.rank === 0 ? builder.identity(one) : builder.expand(one, [...value.shape]);
}
