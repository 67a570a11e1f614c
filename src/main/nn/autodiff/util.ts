/**
 * Helpers shared by gradient rules: broadcast reduction ("unbroadcast"), zeros, and small
 * shape utilities.
 */
import type { GraphBuilder } from '../builder';
import type { DType, Value } from '../ir';
import { toFloat16Bits } from '../float16';
import { normaliseAxis } from '../shape';

/** An all-zero tensor with `value`'s shape and dtype. */
export function zerosLike(builder: GraphBuilder, value: Value): Value {
  const zero = scalarOf(builder, 0, value.dtype);
  return value.rank === 0 ? builder.identity(zero) : builder.expand(zero, [...value.shape]);
}

/**
 * Sums a gradient computed at a broadcast result's shape back to the shape of the operand that
 * was broadcast: ReduceSum (keepdims) over the leading extra axes and the axes where the
 * operand has size 1, then Reshape to drop the leading axes.
 */
export function unbroadcast(builder: GraphBuilder, grad: Value, target: Value): Value {
  const lead = grad.rank - target.rank;
  if (lead < 0) throw new Error(`unbroadcast: gradient ${grad} has lower rank than ${target}`);
  const axes: number[] = [];
  for (let i = 0; i < grad.rank; i++) {
    if (i < lead) axes.push(i);
    else if (target.shape[i - lead] === 1 && grad.shape[i] !== 1) axes.push(i);
    else if (target.shape[i - lead] !== grad.shape[i]) {
      throw new Error(`unbroadcast: ${grad} cannot have come from broadcasting ${target}`);
    }
  }
  let out = grad;
  if (axes.length > 0) out = builder.reduceSum(out, axes, true);
  if (out.rank !== target.rank) out = builder.reshape(out, [...target.shape]);
  return out;
}

/** Normalised axes from an attribute or a constant input. */
export function normaliseAxes(what: string, axes: readonly number[], rank: number): number[] {
  return axes.map((a) => normaliseAxis(what, a, rank));
}

/** Inverse of a permutation. */
export function inversePermutation(perm: readonly number[]): number[] {
  const inverse = new Array<number>(perm.length);
  perm.forEach((p, i) => (inverse[p] = i));
  return inverse;
}

/** Transpose of the last two axes of a value (for MatMul gradients). */
export function swapLastTwo(builder: GraphBuilder, value: Value): Value {
  const perm = [...Array(value.rank).keys()];
  [perm[value.rank - 2], perm[value.rank - 1]] = [perm[value.rank - 1], perm[value.rank - 2]];
  return builder.transpose(value, perm);
}

/** A scalar constant of any float dtype (the builder's `scalar` has no float16). */
export function scalarOf(builder: GraphBuilder, value: number, dtype: DType): Value {
  if (dtype === 'float16') return builder.constant(Uint16Array.of(toFloat16Bits(value)), [], 'float16');
  return builder.scalar(value, dtype);
}
