/**
 * Infers a DiffusionRig architecture from a state dict's tensor shapes and checks that the
 * state dict matches it key for key. What shapes cannot tell (image size, attention heads,
 * attention order, dropout) comes from overrides or upstream's defaults; the expected key set
 * is produced by building the model itself (models are defined once), so inference and the
 * graph can never disagree about names.
 */
import { GraphBuilder } from '../nn/builder';
import type { Shape, Value } from '../nn/ir';
import type { FaceCondition } from '../../common/contract/models';
import type { DiffusionRigConfig, EncoderConfig, UNetConfig } from './config';
import { emoV2Condition } from './config';
import { recordingSource } from './layers';
import { buildEncoder } from './resnet';
import { buildUNet } from './unet';

/** Settings that tensor shapes do not determine, or that the user forces. */
export interface ArchitectureOverrides {
  unet?: Partial<UNetConfig>;
  encoder?: Partial<EncoderConfig>;
}

/** Keys and shapes of a state dict. */
export type ShapeMap = ReadonlyMap<string, Shape>;

const unetPrefix = 'denoisingUNet.';
const encoderPrefix = 'encoder.';

function shapeOf(shapes: ShapeMap, key: string, rank?: number): Shape {
  const s = shapes.get(key);
  if (!s) throw new Error(`missing key ${key}`);
  if (rank !== undefined && s.length !== rank) throw new Error(`${key} has shape [${s.join(',')}], expected rank ${rank}`);
  return s;
}

function maxIndex(shapes: ShapeMap, pattern: RegExp): number {
  let max = -1;
  for (const key of shapes.keys()) {
    const m = pattern.exec(key);
    if (m) max = Math.max(max, Number(m[1]));
  }
  return max;
}

/** The shape and identity inputs an EMO v2 UNet reads (none for upstream models), batch 1. */
function faceInputs(b: GraphBuilder, unet: UNetConfig, batch = 1): { shape?: Value; identity?: Value } {
  const face = unet.faceCondition;
  if (!face) return {};
  return { shape: b.input('shape', 'float32', [batch, face.shapeDim]), identity: b.input('identity', 'float32', [batch, face.identityDim]) };
}

/**
 * The condition of a checkpoint from its widths: the ResBlocks' condition layer reads
 * `conditionWidth` values, the encoder writes `latentDim`. Equal: upstream (and EMO v1); 250
 * more: EMO v2 ([latent, shape 100, identity 150], the split its code uses); else an error
 * naming both widths.
 */
export function faceConditionOf(conditionWidth: number, latentDim: number): FaceCondition | undefined {
  const extra = conditionWidth - latentDim;
  if (extra === 0) return undefined;
  if (extra === emoV2Condition.shapeDim + emoV2Condition.identityDim) return { ...emoV2Condition };
  throw new Error(
    `the ResBlocks' condition layers read ${conditionWidth} values (cond_emb_layers.1.weight) and the encoder's latent has ${latentDim} (encoder.fc.weight): ` +
      `neither upstream DiffusionRig (equal widths) nor DiffusionRig-EMO v2 (latent + ${emoV2Condition.shapeDim} shape + ${emoV2Condition.identityDim} identity = ${latentDim + emoV2Condition.shapeDim + emoV2Condition.identityDim})`,
  );
}

/** The parameter shapes a config needs, by building the model with a recording source. */
export function expectedShapes(config: DiffusionRigConfig): Map<string, Shape> {
  const shapes = new Map<string, Shape>();
  const b = new GraphBuilder();
  const params = recordingSource(b, shapes);
  const size = 2 ** (config.unet.channelMult.length - 1) * 2;
  const x = b.input('x', 'float32', [1, 3, size, size]);
  buildUNet(b, config.unet, params, {
    x,
    timesteps: b.input('t', 'float32', [1]),
    physical: b.input('physical', 'float32', [1, config.unet.inChannels - 3, size, size]),
    latent: b.input('latent', 'float32', [1, config.unet.latentDim]),
    ...faceInputs(b, config.unet),
  });
  buildEncoder(b, config.encoder, params, b.input('image', 'float32', [1, 3, 64, 64]));
  return shapes;
}

function inferEncoder(shapes: ShapeMap, overrides: Partial<EncoderConfig>): EncoderConfig {
  const block = shapes.has(`${encoderPrefix}layer1.0.conv3.weight`) ? 'bottleneck' : 'basic';
  const layers = [1, 2, 3, 4].map((stage) => maxIndex(shapes, new RegExp(`^${encoderPrefix}layer${stage}\\.(\\d+)\\.conv1\\.weight$`)) + 1);
  if (layers.some((n) => n === 0)) throw new Error('encoder: expected torchvision ResNet stages layer1..layer4');
  const latentDim = shapeOf(shapes, `${encoderPrefix}fc.weight`, 2)[0];
  const width = shapeOf(shapes, `${encoderPrefix}conv1.weight`, 4)[0];
  return { block, layers, latentDim, ...(width !== 64 ? { width } : {}), ...overrides };
}

function inferUNet(shapes: ShapeMap, numResBlocks: number, levels: number, encoderLatent: number, overrides: Partial<UNetConfig>): UNetConfig {
  const key = (k: string) => unetPrefix + k;
  const [timeDim, c] = shapeOf(shapes, key('time_embed.0.weight'), 2);
  if (timeDim !== 4 * c) throw new Error(`time_embed.0.weight [${timeDim},${c}] is not [4C, C]`);
  const first = shapeOf(shapes, key('input_blocks.0.0.weight'), 4);
  const outChannels = shapeOf(shapes, key('out.2.weight'), 4)[0];
  const channelMult: number[] = [];
  const attentionDownsampleRates: number[] = [];
  for (let level = 0; level < levels; level++) {
    const block = 1 + level * (numResBlocks + 1);
    channelMult.push(shapeOf(shapes, key(`input_blocks.${block}.0.in_layers.2.weight`), 4)[0] / c);
    if (shapes.has(key(`input_blocks.${block}.1.qkv.weight`))) attentionDownsampleRates.push(2 ** level);
  }
  const down = `input_blocks.${1 + numResBlocks}.0`;
  const resblockUpdown = levels > 1 && shapes.has(key(`${down}.in_layers.0.weight`));
  const convResample = levels === 1 || resblockUpdown || shapes.has(key(`${down}.op.weight`));
  const embRows = shapeOf(shapes, key('input_blocks.1.0.emb_layers.1.weight'), 2)[0];
  const firstOut = shapeOf(shapes, key('input_blocks.1.0.in_layers.2.weight'), 4)[0];
  const condition = shapeOf(shapes, key('input_blocks.1.0.cond_emb_layers.1.weight'), 2)[1];
  const faceCondition = faceConditionOf(condition, encoderLatent);
  const numHeads = overrides.numHeads ?? 1;
  return {
    inChannels: first[1],
    modelChannels: c,
    outChannels,
    numResBlocks,
    channelMult,
    attentionDownsampleRates,
    numHeads,
    numHeadChannels: -1,
    numHeadsUpsample: overrides.numHeads ?? numHeads,
    useScaleShiftNorm: embRows === 2 * firstOut,
    resblockUpdown,
    convResample,
    useNewAttentionOrder: false,
    latentDim: encoderLatent,
    ...(faceCondition ? { faceCondition } : {}),
    dropout: 0.1,
    ...overrides,
  };
}

/** Differences between a state dict and an architecture. */
export interface KeyReport {
  missing: string[];
  unexpected: string[];
  wrongShape: { key: string; actual: Shape; expected: Shape }[];
}

/** Compares actual keys/shapes with what `config` needs (BatchNorm's num_batches_tracked is allowed). */
export function compareKeys(shapes: ShapeMap, config: DiffusionRigConfig): KeyReport {
  const expected = expectedShapes(config);
  const missing = [...expected.keys()].filter((k) => !shapes.has(k));
  const unexpected = [...shapes.keys()].filter((k) => {
    if (expected.has(k)) return false;
    const bn = /^(.*)\.num_batches_tracked$/.exec(k);
    return !(bn && expected.has(`${bn[1]}.running_mean`));
  });
  const wrongShape = [...expected].flatMap(([k, want]) => {
    const actual = shapes.get(k);
    return actual && (actual.length !== want.length || actual.some((d, i) => d !== want[i])) ? [{ key: k, actual, expected: want }] : [];
  });
  return { missing, unexpected, wrongShape };
}

function reportSize(r: KeyReport): number {
  return r.missing.length + r.unexpected.length + r.wrongShape.length;
}

/** Human-readable summary of a key report (lists capped so messages stay readable). */
export function describeKeyReport(r: KeyReport): string {
  const list = (keys: string[]) => keys.slice(0, 12).join(', ') + (keys.length > 12 ? `, … (${keys.length - 12} more)` : '');
  const parts: string[] = [];
  if (r.wrongShape.length > 0) {
    parts.push(`wrong shape: ${r.wrongShape.slice(0, 12).map((w) => `${w.key} is [${w.actual.join(',')}], expected [${w.expected.join(',')}]`).join('; ')}`);
  }
  if (r.missing.length > 0) parts.push(`missing keys (${r.missing.length}): ${list(r.missing)}`);
  if (r.unexpected.length > 0) parts.push(`unexpected keys (${r.unexpected.length}): ${list(r.unexpected)}`);
  return parts.join('\n');
}

/**
 * Infers the architecture from shapes. Throws when the keys are not a DiffusionRig model, or
 * when no architecture matches them exactly (the message lists missing/unexpected keys and
 * wrong shapes for the closest one).
 */
export function inferArchitecture(shapes: ShapeMap, overrides: ArchitectureOverrides = {}): DiffusionRigConfig {
  const keys = [...shapes.keys()];
  const hasUNet = keys.some((k) => k.startsWith(unetPrefix));
  const hasEncoder = keys.some((k) => k.startsWith(encoderPrefix));
  if (!hasUNet || !hasEncoder) {
    throw new Error(
      `not a DiffusionRig state dict: expected keys under '${unetPrefix}' and '${encoderPrefix}', found ${keys.length} keys like ${keys.slice(0, 4).join(', ') || '(none)'}`,
    );
  }
  const inputBlocks = maxIndex(shapes, /^denoisingUNet\.input_blocks\.(\d+)\./) + 1;
  const outputBlocks = maxIndex(shapes, /^denoisingUNet\.output_blocks\.(\d+)\./) + 1;
  if (inputBlocks !== outputBlocks) throw new Error(`UNet has ${inputBlocks} input blocks but ${outputBlocks} output blocks; upstream always has as many`);
  const encoder = inferEncoder(shapes, overrides.encoder ?? {});
  // a condition width that fits no known model is named here, before the layout search hides it
  const firstCondition = shapes.get(`${unetPrefix}input_blocks.1.0.cond_emb_layers.1.weight`);
  if (firstCondition?.length === 2) faceConditionOf(firstCondition[1], encoder.latentDim);
  // levels × (resBlocks + 1) = output blocks; try every factorisation, keep the best match
  let best: { config: DiffusionRigConfig; report: KeyReport } | undefined;
  const failures: string[] = [];
  for (let numResBlocks = 1; numResBlocks < outputBlocks; numResBlocks++) {
    if (outputBlocks % (numResBlocks + 1) !== 0) continue;
    const levels = outputBlocks / (numResBlocks + 1);
    if (overrides.unet?.numResBlocks !== undefined && overrides.unet.numResBlocks !== numResBlocks) continue;
    let config: DiffusionRigConfig;
    try {
      config = { unet: inferUNet(shapes, numResBlocks, levels, encoder.latentDim, overrides.unet ?? {}), encoder };
    } catch (error) {
      failures.push(`${levels} levels × ${numResBlocks} res blocks: ${(error as Error).message}`);
      continue;
    }
    let report: KeyReport;
    try {
      report = compareKeys(shapes, config);
    } catch (error) {
      failures.push(`${levels} levels × ${numResBlocks} res blocks: ${(error as Error).message}`);
      continue;
    }
    if (!best || reportSize(report) < reportSize(best.report)) best = { config, report };
    if (reportSize(report) === 0) break;
  }
  if (!best) throw new Error(`cannot infer the UNet layout from ${outputBlocks} output blocks:\n${failures.join('\n')}`);
  if (reportSize(best.report) > 0) throw new Error(`state dict does not match the inferred architecture:\n${describeKeyReport(best.report)}`);
  return best.config;
}

/** Number of parameters (excluding BatchNorm running statistics and counters). */
export function parameterCount(shapes: ShapeMap): { unet: number; encoder: number; total: number } {
  let unet = 0;
  let encoder = 0;
  for (const [key, shape] of shapes) {
    if (/running_(mean|var)$|num_batches_tracked$/.test(key)) continue;
    const n = shape.reduce((a, d) => a * d, 1);
    if (key.startsWith(unetPrefix)) unet += n;
    else if (key.startsWith(encoderPrefix)) encoder += n;
  }
  return { unet, encoder, total: unet + encoder };
}
