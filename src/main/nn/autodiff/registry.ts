/**
 * The frozen table of gradient rules, one per ONNX op type. Adding a second rule for an op
 * throws at start-up instead of silently replacing the first (tfjs-core's registry overrides
 * silently; that hides bugs).
 */
import type { GradientRule } from './rule';
import { absGrad } from './rules/Abs';
import { addGrad } from './rules/Add';
import { averagePoolGrad } from './rules/AveragePool';
import { castGrad } from './rules/Cast';
import { clipGrad } from './rules/Clip';
import { concatGrad } from './rules/Concat';
import { convGrad } from './rules/Conv';
import { cosGrad } from './rules/Cos';
import { divGrad } from './rules/Div';
import { expGrad } from './rules/Exp';
import { expandGrad } from './rules/Expand';
import { gemmGrad } from './rules/Gemm';
import { globalAveragePoolGrad } from './rules/GlobalAveragePool';
import { identityGrad } from './rules/Identity';
import { instanceNormalizationGrad } from './rules/InstanceNormalization';
import { logGrad } from './rules/Log';
import { matMulGrad } from './rules/MatMul';
import { maxGrad } from './rules/Max';
import { maxPoolGrad } from './rules/MaxPool';
import { minGrad } from './rules/Min';
import { mulGrad } from './rules/Mul';
import { negGrad } from './rules/Neg';
import { padGrad } from './rules/Pad';
import { powGrad } from './rules/Pow';
import { reciprocalGrad } from './rules/Reciprocal';
import { reduceMeanGrad } from './rules/ReduceMean';
import { reduceSumGrad } from './rules/ReduceSum';
import { reluGrad } from './rules/Relu';
import { reshapeGrad } from './rules/Reshape';
import { resizeGrad } from './rules/Resize';
import { sigmoidGrad } from './rules/Sigmoid';
import { sinGrad } from './rules/Sin';
import { sliceGrad } from './rules/Slice';
import { softmaxGrad } from './rules/Softmax';
import { splitGrad } from './rules/Split';
import { sqrtGrad } from './rules/Sqrt';
import { squeezeGrad } from './rules/Squeeze';
import { subGrad } from './rules/Sub';
import { tanhGrad } from './rules/Tanh';
import { transposeGrad } from './rules/Transpose';
import { unsqueezeGrad } from './rules/Unsqueeze';
import { whereGrad } from './rules/Where';

/** A read-only op → rule table. */
export class GradientRegistry {
  private readonly rules = new Map<string, GradientRule>();

  /** Throws when two rules claim the same op. */
  constructor(rules: readonly GradientRule[]) {
    for (const rule of rules) {
      if (this.rules.has(rule.op)) throw new Error(`duplicate gradient rule for op ${rule.op}`);
      this.rules.set(rule.op, Object.freeze(rule));
    }
    Object.freeze(this);
  }

  get(op: string): GradientRule | undefined {
    return this.rules.get(op);
  }

  has(op: string): boolean {
    return this.rules.has(op);
  }

  /** Op types with a rule, sorted. */
  ops(): string[] {
    return [...this.rules.keys()].sort();
  }
}

/** Every gradient rule of the app. */
export const gradientRules = new GradientRegistry([
  absGrad, addGrad, averagePoolGrad, castGrad, clipGrad, concatGrad, convGrad, cosGrad, divGrad, expGrad,
  expandGrad, gemmGrad, globalAveragePoolGrad, identityGrad, instanceNormalizationGrad, logGrad, matMulGrad, maxGrad, maxPoolGrad, minGrad, mulGrad,
  negGrad, padGrad, powGrad, reciprocalGrad, reduceMeanGrad, reduceSumGrad, reluGrad, reshapeGrad, resizeGrad,
  sigmoidGrad, sinGrad, sliceGrad, softmaxGrad, splitGrad, sqrtGrad, squeezeGrad, subGrad, tanhGrad,
  transposeGrad, unsqueezeGrad, whereGrad,
]);
