/**
 * Fresh random weights for a DiffusionRig configuration, as PyTorch's default initialisers
 * give them: conv/linear weights and biases uniform in ±1/√fan_in, norm scales 1 and shifts 0,
 * BatchNorm running mean 0 and variance 1. Used for benchmarks and tests (tiny models);
 * real fine-tuning starts from a checkpoint.
 */
import type { StateDict } from '../checkpoint/stateDict';
import type { Tensor } from '../nn/ir';
import type { DiffusionRigConfig } from '../models/config';
import { expectedShapes } from '../models/infer';
import { ResumableRandom } from './random';

/** A state dict of random weights for `config`. */
export function randomWeights(config: DiffusionRigConfig, seed = 0): StateDict {
  const random = new ResumableRandom(seed);
  const shapes = expectedShapes(config);
  const out: StateDict = new Map();
  const fanIn = new Map<string, number>();
  for (const [key, shape] of shapes) {
    if (key.endsWith('.weight') && shape.length >= 2) fanIn.set(key.slice(0, -'.weight'.length), shape.slice(1).reduce((a, d) => a * d, 1));
  }
  for (const [key, shape] of shapes) {
    const size = shape.reduce((a, d) => a * d, 1);
    const data = new Float32Array(size);
    const module = key.slice(0, key.lastIndexOf('.'));
    const fan = fanIn.get(module);
    if (key.endsWith('running_var')) data.fill(1);
    else if (key.endsWith('running_mean')) data.fill(0);
    else if (fan !== undefined) {
      const bound = 1 / Math.sqrt(fan);
      for (let i = 0; i < size; i++) data[i] = (2 * random.uniform() - 1) * bound;
    } else if (key.endsWith('.weight')) data.fill(1); // GroupNorm / BatchNorm scale
    const tensor: Tensor = { dtype: 'float32', shape, data };
    out.set(key, tensor);
  }
  return out;
}
