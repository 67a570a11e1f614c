/**
 * How a DiffusionRig architecture is described to the user: a one-line summary for lists, the
 * image size when the weights (or the training lineage) tell it, and parameter counts per
 * network computed from the architecture itself.
 */
import type { DiffusionRigConfig } from './config';
import { defaultChannelMult, encoderName } from './config';
import { expectedShapes, parameterCount } from './infer';

/**
 * The image size a model runs at: its training lineage's, else the upstream size whose default
 * channel multipliers it has; null when neither tells (weights do not fix the image size).
 */
export function inferredImageSize(config: DiffusionRigConfig, lineage: Record<string, unknown> | null = null): number | null {
  const fromLineage = lineage?.imageSize;
  if (typeof fromLineage === 'number' && Number.isInteger(fromLineage) && fromLineage > 0) return fromLineage;
  const mult = config.unet.channelMult.join(',');
  for (const size of [64, 128, 256, 512]) if (defaultChannelMult(size).join(',') === mult) return size;
  return null;
}

/**
 * e.g. "UNet 128 ch ×1,1,2,2,4,4 · 2 res blocks · attention 1/16 · resnet18 · latent 64"; a
 * DiffusionRig-EMO v2 model ends "· DiffusionRig-EMO v2 · latent 64 · shape 100 · identity 150".
 */
export function architectureSummary(config: DiffusionRigConfig): string {
  const u = config.unet;
  const attention = u.attentionDownsampleRates.length > 0 ? `attention ${u.attentionDownsampleRates.map((r) => `1/${r}`).join(', ')}` : 'no attention';
  const blocks = `${u.numResBlocks} res block${u.numResBlocks === 1 ? '' : 's'}`;
  const condition = u.faceCondition ? ['DiffusionRig-EMO v2', `latent ${u.latentDim}`, `shape ${u.faceCondition.shapeDim}`, `identity ${u.faceCondition.identityDim}`] : [`latent ${u.latentDim}`];
  return [`UNet ${u.modelChannels} ch ×${u.channelMult.join(',')}`, blocks, attention, encoderName(config.encoder), ...condition].join(' · ');
}

// Building the parameter list takes ~0.25 s for a 256-px model: remember the few configs seen.
const countCache = new Map<string, { unet: number; encoder: number; total: number }>();

/** Parameters of the UNet, the encoder and both, from the architecture. */
export function architectureParameters(config: DiffusionRigConfig): { unet: number; encoder: number; total: number } {
  const key = JSON.stringify(config);
  let counts = countCache.get(key);
  if (!counts) {
    counts = parameterCount(expectedShapes(config));
    if (countCache.size >= 16) countCache.clear();
    countCache.set(key, counts);
  }
  return counts;
}
