/**
 * Copies the nodes of one graph into another builder's graph, binding the source's inputs to
 * given values. The train step uses it to splice a separately built forward pass (e.g. one
 * converted to float16 for mixed precision) between its float32 loss and optimiser parts.
 */
import type { GraphBuilder } from '../nn/builder';
import type { Graph, Value } from '../nn/ir';

/**
 * Replays `source` into `b`. Inputs found in `bindings` (by name) use the bound value, the
 * others become inputs of the target graph under the same name (or reuse a value of that name
 * already there). Initialisers are copied under their names unless present. Returns the target
 * values of the source's outputs, by output name.
 */
export function inlineGraph(b: GraphBuilder, source: Graph, bindings: ReadonlyMap<string, Value>): Map<string, Value> {
  const map = new Map<Value, Value>();
  for (const input of source.inputs) {
    const bound = bindings.get(input.name) ?? b.graph.value(input.name) ?? b.input(input.name, input.dtype, input.shape);
    if (bound.dtype !== input.dtype || bound.shape.join(',') !== input.shape.join(',')) {
      throw new Error(`inlining ${source.name}: input ${input} bound to ${bound}`);
    }
    map.set(input, bound);
  }
  for (const init of source.initializers) {
    const existing = b.graph.value(init.name);
    map.set(init, existing ?? b.initializer(init.name, { dtype: init.dtype, shape: init.shape, data: init.data! }));
  }
  for (const node of source.nodes) {
    const inputs = node.inputs.map((v) => (v ? map.get(v)! : null));
    // keep the node's own scope (e.g. input_blocks.1.0) under the source's name: recomputation
    // segments and profiles are told by it
    const slash = node.name.lastIndexOf('/');
    const inner = slash > 0 ? node.name.slice(0, slash) : undefined;
    // tags carry over (float32 regions, normalisation segments)
    const op = () => b.taggedAll(node.tags, () => b.op(node.opType, inputs, { ...node.attributes }, node.outputs.length));
    const outputs = b.scope(source.name, () => (inner ? b.scope(inner, op) : op()));
    node.outputs.forEach((v, i) => map.set(v, outputs[i]));
  }
  return new Map(source.outputs.map((o) => [o.name, map.get(o)!]));
}
