/**
 * DiffusionRig's denoising UNet (guided-diffusion's UNetModel with a global-latent FiLM in
 * every ResBlock), defined once over the graph builder. Parameter names are the upstream
 * state-dict keys under a prefix (default `denoisingUNet.`).
 *
 * Forward: ε = UNet(x_t ‖ physical buffers, t, latent). Timestep embedding: sinusoidal
 * (cos half, then sin; max period 10000) → Linear → SiLU → Linear. ResBlock: GN, SiLU,
 * [resample], conv3x3; then GN(h)·(1+s_t)+b_t, ·(1+s_z)+b_z (scale-shift norm) or
 * h + e_t + e_z (additive) before GN; SiLU, dropout, conv3x3; plus identity or 1x1 skip.
 */
import type { GraphBuilder } from '../nn/builder';
import type { Value } from '../nn/ir';
import type { UNetConfig } from './config';
import { conditionWidth } from './config';
import type { ParameterSource, TrainingHooks } from './layers';
import { conv, groupNorm, linear, normSegment, silu } from './layers';

/** Graph inputs of the UNet. */
export interface UNetInputs {
  /** Noisy image x_t [N, 3, H, W] (or [N, inChannels, H, W] when `physical` is absent). */
  x: Value;
  /** Diffusion step indices as float32 [N] (the original 1000-step indices). */
  timesteps: Value;
  /** Physical buffers [N, inChannels − 3, H, W] (rendered, normal, albedo). */
  physical?: Value;
  /** Global latent [N, latentDim]. */
  latent: Value;
  /** EMO v2 only (config.faceCondition): FLAME shape [N, shapeDim] and identity [N, identityDim], appended to the latent in that order. */
  shape?: Value;
  identity?: Value;
}

interface Context {
  b: GraphBuilder;
  params: ParameterSource;
  config: UNetConfig;
  emb: Value;
  latent: Value;
  hooks: TrainingHooks;
}

/** Sinusoidal embedding of float32 timesteps [N] → [N, dim], computed like upstream in float32. */
export function timestepEmbedding(b: GraphBuilder, timesteps: Value, dim: number, maxPeriod = 10000): Value {
  const half = Math.floor(dim / 2);
  // upstream: exp(-log(maxPeriod) * arange(half) / half) in float32 arithmetic
  const logPeriod = Math.fround(-Math.log(maxPeriod));
  const frequencies = Float32Array.from({ length: half }, (_, i) => Math.fround(Math.exp(Math.fround(Math.fround(logPeriod * i) / half))));
  // float32 also in float16 graphs: t·frequency reaches ~1000 rad, where a half's spacing (0.5)
  // would scramble the phase of cos/sin at large t
  return b.scope('timestep_embedding', () => b.tagged('float32', () => {
    // −1, not N: the batch dimension may be symbolic (one session for every batch size)
    const args = b.mul(b.reshape(timesteps, [-1, 1]), b.constant(frequencies, [1, half]));
    const parts = [b.cos(args), b.sin(args)];
    // the zero column is derived from the input, so no constant bakes in the batch size
    if (dim % 2 === 1) parts.push(b.mul(b.reshape(timesteps, [-1, 1]), b.scalar(0)));
    return b.concat(parts, 1);
  }));
}

function resample(ctx: Context, x: Value, mode: 'up' | 'down' | 'none'): Value {
  const { b } = ctx;
  if (mode === 'up') return b.resize(x, [1, 1, 2, 2], { mode: 'nearest', coordinateTransformationMode: 'asymmetric', nearestMode: 'floor' });
  if (mode === 'down') return b.averagePool(x, { kernel: [2, 2], strides: [2, 2] });
  return x;
}

function resBlock(ctx: Context, name: string, x: Value, outChannels: number, mode: 'up' | 'down' | 'none' = 'none'): Value {
  const { b, params, config } = ctx;
  const channels = x.shape[1];
  return b.scope(name, () => {
    let h = normSegment(b, `${name}.in_layers`, () => silu(b, groupNorm(b, params, `${name}.in_layers.0`, x)));
    h = resample(ctx, h, mode);
    const skipInput = resample(ctx, x, mode);
    h = conv(b, params, `${name}.in_layers.2`, h, outChannels, 3, { padding: 1 });

    const embWidth = config.useScaleShiftNorm ? 2 * outChannels : outChannels;
    const embOut = linear(b, params, `${name}.emb_layers.1`, silu(b, ctx.emb), ctx.emb.shape[1], embWidth);
    // upstream's cond layer always has 2·C outputs; the additive form needs C
    const condOut = linear(b, params, `${name}.cond_emb_layers.1`, silu(b, ctx.latent), ctx.latent.shape[1], config.useScaleShiftNorm ? 2 * outChannels : outChannels);
    const asMap = (v: Value) => b.reshape(v, [-1, v.shape[1], 1, 1]);

    h = normSegment(b, `${name}.out_layers`, () => {
      let n: Value;
      if (config.useScaleShiftNorm) {
        n = groupNorm(b, params, `${name}.out_layers.0`, h);
        const one = b.scalar(1);
        for (const film of [embOut, condOut]) {
          const [scale, shift] = b.split(asMap(film), 2, 1);
          n = b.add(b.mul(n, b.add(scale, one)), shift);
        }
      } else {
        n = groupNorm(b, params, `${name}.out_layers.0`, b.add(b.add(h, asMap(embOut)), asMap(condOut)));
      }
      n = silu(b, n);
      return ctx.hooks.dropout && config.dropout > 0 ? ctx.hooks.dropout(n, `${name}.out_layers.2`) : n;
    });
    h = conv(b, params, `${name}.out_layers.3`, h, outChannels, 3, { padding: 1 });

    const skip = outChannels === channels ? skipInput : conv(b, params, `${name}.skip_connection`, skipInput, outChannels, 1);
    return b.add(skip, h);
  });
}

function attentionBlock(ctx: Context, name: string, x: Value, heads: number): Value {
  const { b, params, config } = ctx;
  const [, channels, height, width] = x.shape;
  const numHeads = config.numHeadChannels > 0 ? channels / config.numHeadChannels : heads;
  if (!Number.isInteger(numHeads) || channels % numHeads !== 0) throw new Error(`${name}: ${channels} channels do not split into heads of ${config.numHeadChannels}`);
  const headChannels = channels / numHeads;
  const length = height * width;
  // batch dims are 0 (copy) or −1 (inferred) in every Reshape: the batch may be symbolic
  return b.scope(name, () => {
    const flat = b.reshape(x, [0, channels, length]);
    const qkv = conv(b, params, `${name}.qkv`, normSegment(b, `${name}.norm`, () => groupNorm(b, params, `${name}.norm`, flat)), 3 * channels, 1);
    const scale = b.scalar(1 / Math.sqrt(Math.sqrt(headChannels)));
    let q: Value, k: Value, v: Value;
    if (config.useNewAttentionOrder) {
      // q | k | v first, then heads
      [q, k, v] = b.split(qkv, 3, 1).map((part) => b.reshape(part, [-1, headChannels, length]));
    } else {
      // legacy: per head, q, k, v are contiguous
      [q, k, v] = b.split(b.reshape(qkv, [-1, 3 * headChannels, length]), 3, 1);
    }
    // weight[b,t,s] = Σ_c q[b,c,t]·k[b,c,s], softmax over s
    // softmax in float32 as upstream (`weight.float()`), also in float16 graphs
    const weight = b.tagged('float32', () => b.softmax(b.matmul(b.transpose(b.mul(q, scale), [0, 2, 1]), b.mul(k, scale)), -1));
    // a[b,c,t] = Σ_s weight[b,t,s]·v[b,c,s]
    const attended = b.reshape(b.matmul(v, b.transpose(weight, [0, 2, 1])), [-1, channels, length]);
    const projected = conv(b, params, `${name}.proj_out`, attended, channels, 1);
    return b.reshape(b.add(flat, projected), [0, channels, height, width]);
  });
}

/** The condition every ResBlock reads: the latent, or for EMO v2 [latent, shape, identity]. */
function globalCondition(b: GraphBuilder, config: UNetConfig, inputs: UNetInputs): Value {
  const face = config.faceCondition;
  if (!face) {
    if (inputs.shape || inputs.identity) throw new Error('shape and identity condition only a DiffusionRig-EMO v2 UNet; this model reads the latent alone');
    return inputs.latent;
  }
  const { shape, identity } = inputs;
  if (!shape || !identity) throw new Error('a DiffusionRig-EMO v2 UNet needs shape and identity beside the latent');
  if (shape.shape[1] !== face.shapeDim || identity.shape[1] !== face.identityDim) {
    throw new Error(`shape has ${shape.shape[1]} and identity ${identity.shape[1]} values, the model expects ${face.shapeDim} and ${face.identityDim}`);
  }
  const condition = b.concat([inputs.latent, shape, identity], 1);
  if (condition.shape[1] !== conditionWidth(config)) throw new Error(`condition has ${condition.shape[1]} values, the model expects ${conditionWidth(config)}`);
  return condition;
}

/**
 * Appends the UNet to the builder's graph and returns ε [N, outChannels, H, W].
 * `prefix` is prepended to every parameter key (e.g. 'denoisingUNet.').
 */
export function buildUNet(
  b: GraphBuilder,
  config: UNetConfig,
  params: ParameterSource,
  inputs: UNetInputs,
  options: { prefix?: string; hooks?: TrainingHooks } = {},
): Value {
  const prefix = options.prefix ?? 'denoisingUNet.';
  const p: ParameterSource = (name, shape) => params(prefix + name, shape);
  const c = config.modelChannels;
  const timeDim = 4 * c;
  if (inputs.latent.shape[1] !== config.latentDim) throw new Error(`latent has ${inputs.latent.shape[1]} values, the model expects ${config.latentDim}`);
  const latent = globalCondition(b, config, inputs);

  let emb = linear(b, p, 'time_embed.0', timestepEmbedding(b, inputs.timesteps, c), c, timeDim);
  emb = linear(b, p, 'time_embed.2', silu(b, emb), timeDim, timeDim);
  const ctx: Context = { b, params: p, config, emb, latent, hooks: options.hooks ?? {} };

  let h = inputs.physical ? b.concat([inputs.x, inputs.physical], 1) : inputs.x;
  if (h.shape[1] !== config.inChannels) throw new Error(`UNet input has ${h.shape[1]} channels, the model expects ${config.inChannels}`);
  const levels = config.channelMult.length;
  const factor = 2 ** (levels - 1);
  if (h.shape[2] % factor !== 0 || h.shape[3] % factor !== 0) throw new Error(`image size ${h.shape[2]}x${h.shape[3]} is not divisible by ${factor} (${levels} levels)`);

  const inputChannels = Math.trunc(config.channelMult[0] * c);
  h = conv(b, p, 'input_blocks.0.0', h, inputChannels, 3, { padding: 1 });
  const skips: Value[] = [h];
  let block = 1;
  let ds = 1;
  const attention = new Set(config.attentionDownsampleRates);
  for (let level = 0; level < levels; level++) {
    const out = Math.trunc(config.channelMult[level] * c);
    for (let i = 0; i < config.numResBlocks; i++) {
      h = resBlock(ctx, `input_blocks.${block}.0`, h, out);
      if (attention.has(ds)) h = attentionBlock(ctx, `input_blocks.${block}.1`, h, config.numHeads);
      skips.push(h);
      block++;
    }
    if (level !== levels - 1) {
      const name = `input_blocks.${block}.0`;
      if (config.resblockUpdown) h = resBlock(ctx, name, h, h.shape[1], 'down');
      else if (config.convResample) h = conv(b, p, `${name}.op`, h, h.shape[1], 3, { stride: 2, padding: 1 });
      else h = resample(ctx, h, 'down');
      skips.push(h);
      block++;
      ds *= 2;
    }
  }

  h = resBlock(ctx, 'middle_block.0', h, h.shape[1]);
  h = attentionBlock(ctx, 'middle_block.1', h, config.numHeads);
  h = resBlock(ctx, 'middle_block.2', h, h.shape[1]);

  block = 0;
  for (let level = levels - 1; level >= 0; level--) {
    const out = Math.trunc(config.channelMult[level] * c);
    for (let i = 0; i <= config.numResBlocks; i++) {
      h = b.concat([h, skips.pop()!], 1);
      h = resBlock(ctx, `output_blocks.${block}.0`, h, out);
      let layer = 1;
      if (attention.has(ds)) h = attentionBlock(ctx, `output_blocks.${block}.${layer++}`, h, config.numHeadsUpsample);
      if (level > 0 && i === config.numResBlocks) {
        const name = `output_blocks.${block}.${layer}`;
        if (config.resblockUpdown) h = resBlock(ctx, name, h, out, 'up');
        else {
          h = resample(ctx, h, 'up');
          if (config.convResample) h = conv(b, p, `${name}.conv`, h, out, 3, { padding: 1 });
        }
        ds /= 2;
      }
      block++;
    }
  }

  h = normSegment(b, 'out', () => silu(b, groupNorm(b, p, 'out.0', h)));
  return conv(b, p, 'out.2', h, config.outChannels, 3, { padding: 1 });
}
