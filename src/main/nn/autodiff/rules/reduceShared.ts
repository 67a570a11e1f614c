/** Shared by the reduction rules: broadcast a reduced gradient back to the input's shape. */
import type { GraphBuilder } from '../../builder';
import type { Value } from '../../ir';

/** Reshapes dY to the keepdims shape (when reduced without keepdims) and expands it to x. */
export function expandReduced(builder: GraphBuilder, grad: Value, x: Value, axes: readonly number[]): Value {
  const kept = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const g = grad.rank === kept.length ? grad : builder.reshape(grad, kept);
  return builder.expand(g, [...x.shape]);
}
