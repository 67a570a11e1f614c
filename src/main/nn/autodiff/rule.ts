/**
 * The shape of one gradient rule, after tfjs-core's `gradients/<Op>_grad.ts`: a rule names the
 * ONNX op it differentiates, which forward inputs/outputs its gradient reads, and returns one
 * lazy thunk per forward input. A thunk is only called when that input actually needs a
 * gradient, so e.g. the weight gradient of a frozen conv is never emitted.
 */
import type { GraphBuilder } from '../builder';
import type { Node, Value } from '../ir';

/** What a rule gets to build the gradients of one forward node. */
export interface GradientContext {
  /** The forward node being differentiated. */
  node: Node;
  /** Builder appending to the same graph; gradient nodes get a `grad/` name prefix. */
  builder: GraphBuilder;
  /**
   * Gradient of the loss with respect to output `index` of `node`. Outputs nobody needs get an
   * all-zero gradient on request (only multi-output ops such as Split ever ask).
   */
  outputGrad(index?: number): Value;
  /** True when output `index` has a gradient flowing into it. */
  hasOutputGrad(index: number): boolean;
  /**
   * Sums `grad` (the shape of the op's broadcast result) down to `target`'s shape: ReduceSum
   * over the broadcast axes (keepdims), then Reshape. Identity when the shapes already match.
   */
  unbroadcast(grad: Value, target: Value): Value;
}

/** One lazy gradient per forward input; undefined for inputs that are not differentiable. */
export type InputGradients = readonly ((() => Value) | undefined)[];

/** A gradient rule for one ONNX op type. */
export interface GradientRule {
  /** ONNX op type (default domain), e.g. 'Conv'. */
  readonly op: string;
  /**
   * Indices of forward inputs the gradient reads (documentation and a check that a rule does
   * not silently keep large activations alive).
   */
  readonly inputsToSave: readonly number[];
  /** Indices of forward outputs the gradient reads (e.g. Sigmoid, Softmax reuse their output). */
  readonly outputsToSave?: readonly number[];
  /** Builds the per-input gradient thunks. */
  grad(context: GradientContext): InputGradients;
}
