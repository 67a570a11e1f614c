/**
 * torchvision ResNet (v1.5: stride on the 3x3 conv of bottlenecks) with its `fc` replaced by
 * Linear(features → latentDim): DiffusionRig's global latent encoder. Input: the clean image
 * in [-1, 1] (no ImageNet normalisation, as upstream). Parameter names are the upstream keys
 * under a prefix (default `encoder.`). A config may narrow the stem and stages (`width`, e.g. 16
 * instead of 64) for models small enough to ship, such as the demo's; upstream's torchvision
 * encoders are the width-64 ones.
 */
import type { GraphBuilder } from '../nn/builder';
import type { Value } from '../nn/ir';
import type { EncoderConfig } from './config';
import type { ParameterSource } from './layers';
import { batchNorm, conv, linear } from './layers';

/** Channels of the stem and the first stage: torchvision's 64 unless the config narrows it. */
export function encoderWidth(config: EncoderConfig): number {
  return config.width ?? 64;
}

/** Channels after the last stage (512 for ResNet-18, 2048 for ResNet-50 at torchvision's width). */
export function encoderFeatures(config: EncoderConfig): number {
  return encoderWidth(config) * 2 ** (config.layers.length - 1) * (config.block === 'basic' ? 1 : 4);
}

/**
 * Appends the encoder and returns the latent [N, latentDim] (or, with `features`, the pooled
 * [N, 2048|512] features without `fc`). `batchStatistics` makes every
 * BatchNorm use batch statistics (a module in train mode) instead of its running statistics.
 */
export function buildEncoder(
  b: GraphBuilder,
  config: EncoderConfig,
  params: ParameterSource,
  image: Value,
  options: { prefix?: string; batchStatistics?: boolean; features?: boolean } = {},
): Value {
  const prefix = options.prefix ?? 'encoder.';
  const p: ParameterSource = (name, shape) => params(prefix + name, shape);
  const train = options.batchStatistics ?? false;
  const expansion = config.block === 'basic' ? 1 : 4;

  const width = encoderWidth(config);
  let h = conv(b, p, 'conv1', image, width, 7, { stride: 2, padding: 3, bias: false });
  h = b.relu(batchNorm(b, p, 'bn1', h, train));
  h = b.maxPool(h, { kernel: [3, 3], strides: [2, 2], pads: 1 });

  config.layers.forEach((blocks, stage) => {
    const planes = width * 2 ** stage;
    for (let i = 0; i < blocks; i++) {
      const name = `layer${stage + 1}.${i}`;
      const stride = stage > 0 && i === 0 ? 2 : 1;
      const x = h;
      b.scope(name, () => {
        let y: Value;
        if (config.block === 'basic') {
          y = b.relu(batchNorm(b, p, `${name}.bn1`, conv(b, p, `${name}.conv1`, x, planes, 3, { stride, padding: 1, bias: false }), train));
          y = batchNorm(b, p, `${name}.bn2`, conv(b, p, `${name}.conv2`, y, planes, 3, { padding: 1, bias: false }), train);
        } else {
          y = b.relu(batchNorm(b, p, `${name}.bn1`, conv(b, p, `${name}.conv1`, x, planes, 1, { bias: false }), train));
          y = b.relu(batchNorm(b, p, `${name}.bn2`, conv(b, p, `${name}.conv2`, y, planes, 3, { stride, padding: 1, bias: false }), train));
          y = batchNorm(b, p, `${name}.bn3`, conv(b, p, `${name}.conv3`, y, planes * expansion, 1, { bias: false }), train);
        }
        let identity = x;
        if (stride !== 1 || x.shape[1] !== planes * expansion) {
          identity = conv(b, p, `${name}.downsample.0`, x, planes * expansion, 1, { stride, bias: false });
          identity = batchNorm(b, p, `${name}.downsample.1`, identity, train);
        }
        h = b.relu(b.add(y, identity));
      });
    }
  });

  // 0 copies the batch dimension, which may be symbolic
  const pooled = b.reshape(b.globalAveragePool(h), [0, h.shape[1]]);
  // `features`: stop at the pooled features (DECA's encoders put their own regressor there)
  if (options.features) return pooled;
  return linear(b, p, 'fc', pooled, encoderFeatures(config), config.latentDim);
}
