import { z } from 'zod';
import { channel } from './channel';

// DiffusionRig models and the neural engine that runs them. A model is a checkpoint
// registered in the project: imported ones stay where the researcher keeps them (the registry
// records path, hash and the architecture inferred from tensor shapes); personalised ones are
// written by stage-2 fine-tuning and point at their base model.

/** The guided-diffusion UNet as DiffusionRig configures it (see src/main/models/config.ts). */
export interface UNetArchitecture {
  /** Channels of the first conv's input: 3 (x_t) + physical buffers (9 upstream). */
  inChannels: number;
  /** Base channel count (upstream `num_channels`). */
  modelChannels: number;
  /** 3 for ε, 6 when upstream's `learn_sigma` adds a variance output. */
  outChannels: number;
  numResBlocks: number;
  /** Channel multiplier per level (may be fractional: 512 px uses 0.5). */
  channelMult: number[];
  /** Downsample rates (1, 2, 4, ...) with attention (upstream turns image sizes into these). */
  attentionDownsampleRates: number[];
  /** Heads per attention block (ignored when numHeadChannels > 0). */
  numHeads: number;
  /** Channels per head, or -1 to use numHeads. */
  numHeadChannels: number;
  /** Heads in the decoder's attention blocks (upstream default: numHeads). */
  numHeadsUpsample: number;
  useScaleShiftNorm: boolean;
  /** ResBlocks do the up/down sampling (else conv or pooling resamplers). */
  resblockUpdown: boolean;
  /** Without resblockUpdown: learned stride-2 conv / conv after nearest upsampling. */
  convResample: boolean;
  /** q|k|v split first, then heads (false: upstream's legacy per-head qkv layout). */
  useNewAttentionOrder: boolean;
  /** Size of the global latent from the encoder. */
  latentDim: number;
  /**
   * DiffusionRig-EMO v2: the global condition is [latent, FLAME shape, identity], so every
   * ResBlock's condition layer reads latentDim + shapeDim + identityDim values. Absent for
   * upstream (and EMO v1) models, whose condition is the latent alone.
   */
  faceCondition?: FaceCondition;
  /** Dropout rate in training (inference ignores it). */
  dropout: number;
}

/** Widths of DiffusionRig-EMO v2's extra condition: shape = FLAME β, identity = [β, albedo code]. */
export interface FaceCondition {
  shapeDim: number;
  identityDim: number;
}

/** The torchvision ResNet that encodes the global latent. */
export interface EncoderArchitecture {
  /** 'basic' (ResNet-18/34) or 'bottleneck' (ResNet-50/101/152). */
  block: 'basic' | 'bottleneck';
  /** Blocks per stage: [2,2,2,2] for ResNet-18, [3,4,6,3] for ResNet-50. */
  layers: number[];
  /** Channels of the stem and the first stage (torchvision: 64); each further stage doubles it. */
  width?: number;
  latentDim: number;
}

export interface ModelArchitecture {
  unet: UNetArchitecture;
  encoder: EncoderArchitecture;
}

/** The estimators of FLAME codes: DECA (upstream DiffusionRig), EMOCA (DiffusionRig-EMO), landmark fitting. */
export type CodeEstimator = 'deca' | 'emoca' | 'fit';
export const codeEstimators: readonly CodeEstimator[] = Object.freeze(['deca', 'emoca', 'fit']);
export const codeEstimatorLabels: Readonly<Record<CodeEstimator, string>> = Object.freeze({ deca: 'DECA', emoca: 'EMOCA', fit: 'Landmark fitting' });

/**
 * The basis an EMOCA albedo code is decoded with: 'flame-texture' (FLAME_texture.npz, what
 * DiffusionRig-EMO's code uses) or 'bfm' (FLAME_albedo_from_BFM.npz, the space EMOCA regressed
 * it in). A model trained with one expects that albedo buffer.
 */
export type AlbedoBasis = 'flame-texture' | 'bfm';
export const albedoBasisLabels: Readonly<Record<AlbedoBasis, string>> = Object.freeze({ 'flame-texture': 'FLAME texture (FLAME_texture.npz)', bfm: 'BFM-converted (FLAME_albedo_from_BFM.npz)' });

/** 'base': an imported (stage-1) checkpoint; 'personalized': the result of stage-2 fine-tuning. */
export type ModelKind = 'base' | 'personalized';

/** The head that rendered buffers: the researcher's FLAME, or the app's demo head (not FLAME). */
export type BufferHead = 'flame' | 'demo';

/** Which head a model's training buffers came from against the head in use now (Settings → FLAME files). */
export interface HeadCheck {
  /** The head the model was trained with; null when unknown. */
  model: BufferHead | null;
  /** The head buffers are rendered with now. */
  active: BufferHead;
  /** Why results cannot be good and how to fix it, when the two differ; null otherwise. */
  warning: string | null;
}

export type CheckpointFormat = 'torch-zip' | 'safetensors' | 'npz';

/** Parameter counts (BatchNorm running statistics excluded). */
export interface ParameterCounts {
  unet: number;
  encoder: number;
  total: number;
}

/** A registered model as lists show it. */
export interface ModelInfo {
  id: number;
  name: string;
  kind: ModelKind;
  architecture: ModelArchitecture;
  /** One line, e.g. "UNet 128 ch ×1,1,2,2,4,4 · 2 res blocks · attention 1/16 · resnet18 · latent 64". */
  summary: string;
  /** Image size the model runs at (lineage, or the upstream size its channel multipliers are the default of); null when weights cannot tell. */
  imageSize: number | null;
  /** Where imageSize comes from: 'chosen' by the user (stored with the model), the training 'lineage', the 'weights' (channel multipliers); null: nowhere, so it must be chosen. */
  imageSizeSource: 'chosen' | 'lineage' | 'weights' | null;
  /** Compute precision on GPU providers: 'auto' runs float16 there (float32 on the CPU); 'float32' or 'float16' force one. */
  precision: 'auto' | 'float32' | 'float16';
  /** The estimator that made the model's training buffers (kept with the model; training records it); null when not known. */
  estimator: CodeEstimator | null;
  /** EMOCA models: the albedo basis of their training buffers; null otherwise or when not known. */
  albedoBasis: AlbedoBasis | null;
  /** e.g. 'resnet18'. */
  encoderName: string;
  parameterCount: number;
  sizeBytes: number;
  sha256: string;
  format: CheckpointFormat;
  /** The file the user imported (or the file fine-tuning wrote). */
  sourcePath: string;
  /** The file the weights are read from. */
  filePath: string;
  /** True when the file is a copy kept inside the project (a serve-mode upload): removing the model deletes that copy. */
  projectCopy: boolean;
  /** 'ok'; 'missing' when the file is gone; 'changed' when its size is no longer the imported size. */
  fileStatus: 'ok' | 'missing' | 'changed';
  /** The model a personalised model was fine-tuned from (null for imports, or when it was removed). */
  baseModel: { id: number; name: string } | null;
  /** Training lineage of personalised models (album, settings, steps, ...). */
  lineage: Record<string, unknown> | null;
  /** The head its buffers came from against the head in use. */
  head: HeadCheck;
  importedAt: string;
}

/** One model with everything the details panel shows. */
export interface ModelDetails extends ModelInfo {
  parameters: ParameterCounts;
  /** The architecture in upstream DiffusionRig's argument names (image_size, num_channels, ...). */
  upstreamArgs: Record<string, unknown>;
  /** Personalised models fine-tuned from this one. */
  derived: { id: number; name: string }[];
}

/** What a checkpoint file is, before importing it. */
export interface CheckpointInspection {
  path: string;
  format: CheckpointFormat;
  sizeBytes: number;
  sha256: string;
  architecture: ModelArchitecture;
  summary: string;
  imageSize: number | null;
  encoderName: string;
  parameters: ParameterCounts;
  upstreamArgs: Record<string, unknown>;
  /** Wrapper prefix stripped from the keys (e.g. 'module.'), '' when none. */
  strippedPrefix: string;
  /** The registered model with the same content, if any (importing again returns it). */
  registered: { id: number; name: string } | null;
}

/** One execution provider of the engine's provider table. */
export interface EngineProvider {
  /** 'cuda', 'dml', 'coreml', 'webgpu', 'cpu'. */
  name: string;
  gpu: boolean;
  /** Built into this onnxruntime-node (a built-in provider may still fail to start, e.g. without a driver). */
  available: boolean;
  /** Why it is not available (e.g. "CUDA files not installed — how to install: …"), else null. */
  reason?: string | null;
}

/** The GPU under the WebGPU provider, from a probe (onnxruntime-node has no API for it). */
export interface EngineAdapter {
  /** e.g. "llvmpipe (LLVM 15.0.6, 256 bits)" or "NVIDIA GPU 0x10de:0x2684"; null when unknown. */
  description: string | null;
  /** Vulkan, D3D12 or Metal. */
  api: string;
  /** A CPU rasteriser: the default order then skips WebGPU for the faster CPU provider. */
  software: boolean;
  /** Why WebGPU could not start, else null. */
  error: string | null;
}

/** A session the engine created: which provider actually ran it and why earlier ones were skipped. */
export interface EngineSession {
  /** What was loaded, e.g. 'edit-model-1a2b…-unet-b1-s64'. */
  model: string;
  /** The provider that created the session; null when none could. */
  provider: string | null;
  /** Providers tried before it (or all of them, when none worked), with the reason each was skipped. */
  skipped: { provider: string; reason: string }[];
  float16: boolean;
  /** Threads inside one op; null means onnxruntime's default (one per physical core). */
  intraOpThreads: number | null;
  at: string;
}

export interface EngineInfo {
  runtime: { name: string; version: string };
  /** The provider table, in table order. */
  providers: EngineProvider[];
  /** The order sessions try providers in now. */
  order: string[];
  /** 'environment' when RIG_STUDIO_PROVIDERS sets the order. */
  orderSource: 'default' | 'environment';
  /** Why RIG_STUDIO_PROVIDERS was ignored (an unknown name), else null. */
  orderError: string | null;
  threads: { logicalCores: number };
  /** The most recent session of the compute host (src/main/engine), where every session lives. */
  lastSession: EngineSession | null;
  /** Recent sessions, newest first (a few). */
  recentSessions: EngineSession[];
  /** When a probe was asked for and failed: why (e.g. no provider could load even a one-op graph). */
  probeError: string | null;
  /** The compute host (src/main/engine) that owns the sessions: what it runs now. */
  host?: EngineHostStatus;
  /** Why the default order is what it is on this platform. */
  orderReason?: string;
  /** The WebGPU adapter once probed ("Test the engine", or the first session that tried WebGPU), else null. */
  webgpu?: EngineAdapter | null;
}

/** The compute host's state: a busy engine is visible (Engine panel, jobs). */
export interface EngineHostStatus {
  /** 'worker': the host thread (the product); 'in-process': unit tests and the bench reference. */
  mode: 'worker' | 'in-process';
  /** Whether a host is started now (it starts on the first request). */
  running: boolean;
  /** Requests in flight, oldest first: kind ('sample', 'finetune', 'score', 'estimatePhoto', …) and when each started. */
  busy: { kind: string; since: string }[];
  /** Hosts started so far (more than one: a host stopped and the next request started another). */
  hostsStarted: number;
  /** Why the last host stopped (e.g. "the host thread exited with code 1"), else null. */
  lastStop: string | null;
}

const id = z.number().int().positive();
const path = z.string().min(1).max(4096);
const imageSize = z.number().int().min(16).max(1024);
/** Settings tensor shapes cannot tell (attention heads and order). */
const overrides = z
  .object({
    unet: z
      .object({
        numHeads: z.number().int().positive().optional(),
        numHeadsUpsample: z.number().int().positive().optional(),
        numHeadChannels: z.number().int().min(-1).optional(),
        useNewAttentionOrder: z.boolean().optional(),
      })
      .optional(),
  })
  .optional();

export const modelsContract = {
  /** Registered models, oldest first. */
  'model.list': channel<ModelInfo[]>()(),
  'model.get': channel<ModelDetails>()(z.object({ modelId: id })),
  /**
   * Imports checkpoint files on the backend's machine (serve-mode uploads are staged paths too):
   * one 'model-import' job per file. Missing files and folders are refused before any job starts.
   */
  'model.import': channel<{ jobIds: number[] }>()(
    z.object({ paths: z.array(path).min(1).max(100), name: z.string().trim().min(1).max(200).optional(), overrides, imageSize: imageSize.optional() }),
  ),
  /** Stores the image size a model runs at (null forgets a chosen one): edits, sweeps and fine-tunes use it. */
  'model.setImageSize': channel<ModelInfo>()(z.object({ modelId: id, imageSize: imageSize.nullable() })),
  /** Stores which estimator made a model's buffers (null: not known) and, for EMOCA only, the albedo basis. */
  'model.setEstimator': channel<ModelInfo>()(
    z.object({ modelId: id, estimator: z.enum(['deca', 'emoca', 'fit']).nullable(), albedoBasis: z.enum(['flame-texture', 'bfm']).nullable().default(null) }).refine((p) => p.albedoBasis === null || p.estimator === 'emoca', {
      message: 'the albedo basis is a setting of EMOCA models only',
      path: ['albedoBasis'],
    }),
  ),
  /** Stores the compute precision of a model on GPU providers ('auto': float16 there). */
  'model.setPrecision': channel<ModelInfo>()(z.object({ modelId: id, precision: z.enum(['auto', 'float32', 'float16']) })),
  /** Changes the attention settings the weights do not record; values that cannot split a level's channels are refused. */
  'model.setAttention': channel<ModelInfo>()(
    z.object({
      modelId: id,
      numHeads: z.number().int().positive().max(256).optional(),
      numHeadChannels: z.number().int().min(-1).max(4096).optional(),
      numHeadsUpsample: z.number().int().positive().max(256).optional(),
      useNewAttentionOrder: z.boolean().optional(),
    }),
  ),
  /** Registers the Demo base model shipped with the app (trained on the demo head only) in the open project; null when this install has none. */
  'model.addDemo': channel<ModelInfo | null>()(),
  'model.rename': channel<ModelInfo>()(z.object({ modelId: id, name: z.string().trim().min(1).max(200) })),
  /** Removes the registry entry only: the checkpoint file is never deleted. */
  'model.delete': channel<void>()(z.object({ modelId: id })),
  /** Reads a checkpoint and infers its architecture without registering it; bad files give an error naming the file and the problem. */
  'model.inspect': channel<CheckpointInspection>()(z.object({ path, overrides })),
  /** The execution providers, the order in force, and which provider actually ran the latest sessions. `probe` first runs a tiny graph so there is a session to report. */
  'engine.info': channel<EngineInfo>()(z.object({ probe: z.boolean().default(false) })),
};
