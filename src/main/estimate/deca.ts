/**
 * DECA and EMOCA code estimators from the researcher's checkpoints: load and map the weights,
 * build the encoder graph (encoders.ts), and run it on DECA's 224 crop with ONNX Runtime.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { StateDict } from '../checkpoint';
import { readCheckpoint } from '../checkpoint';
import { readTorchObject } from '../checkpoint/torch';
import type { ModelSession, OnnxBackend } from '../nn/backend';
import type { Graph } from '../nn/ir';
import type { ExpressionEncoder } from './encoders';
import { buildDecaGraph, findModule, flattenTensors } from './encoders';
import { codeLength } from '../../common/flame/codes';
import { parseYaml, yamlGet } from './yaml';

/** A loaded estimator network, ready to be given to ONNX Runtime. */
export interface CodeModel {
  estimator: 'deca' | 'emoca';
  /** Identifies the weights: file name and the first 12 hex digits of their SHA-256. */
  version: string;
  graph: Graph;
}

function readBytes(path: string, what: string): Buffer {
  if (!existsSync(path)) throw new Error(`${path}: ${what} not found`);
  if (statSync(path).isDirectory()) throw new Error(`${path}: is a directory, expected ${what}`);
  return readFileSync(path);
}

function versionOf(path: string, bytes: Uint8Array): string {
  return `${basename(path)}@${createHash('sha256').update(bytes).digest('hex').slice(0, 12)}`;
}

/** Every tensor of a checkpoint, flattened to dotted keys (nested dicts included). */
function allTensors(path: string, bytes: Uint8Array): StateDict {
  const isZip = bytes[0] === 0x50 && bytes[1] === 0x4b;
  // Lightning checkpoints pickle their hyper-parameters as omegaconf objects (and optimiser
  // states as other classes): read those as inert records, never executed, and keep the tensors
  if (isZip) return flattenTensors(readTorchObject(bytes, path, { opaqueGlobals: true }), path);
  return readCheckpoint(path).stateDict; // .safetensors / .npz with dotted keys
}

/** DECA: `deca_model.tar` (torch zip with `E_flame`, `E_detail`, `D_detail`). */
export function loadDecaModel(path: string): CodeModel {
  const bytes = readBytes(path, 'DECA checkpoint');
  const tensors = allTensors(path, bytes);
  const flame = findModule(tensors, 'E_flame', path);
  return { estimator: 'deca', version: versionOf(path, bytes), graph: buildDecaGraph(flame, undefined, path) };
}

/**
 * EMOCA: a Lightning `.ckpt` (state_dict keys `deca.E_flame.*`, `deca.E_expression.*`, …) and
 * its `cfg.yaml`, which says how E_expression is built and which pose values it predicts.
 */
export function loadEmocaModel(checkpointPath: string, configPath: string): CodeModel {
  const config = parseYaml(readBytes(configPath, 'EMOCA cfg.yaml').toString('utf8'), configPath);
  // OmegaConf saves either the model block at the top or under `model` (coarse/detail configs nest it once more)
  const model = ['model', 'coarse.model', 'detail.model', ''].map((p) => (p ? yamlGet(config, p) : config)).find((m) => m && typeof m === 'object' && yamlGet(m, 'expression_backbone') !== undefined);
  if (!model) throw new Error(`${configPath}: no model.expression_backbone entry; is this an EMOCA cfg.yaml?`);
  const backbone = String(yamlGet(model, 'expression_backbone'));
  if (backbone !== 'deca_clone') {
    throw new Error(`${configPath}: expression_backbone '${backbone}' is not supported (Rig Studio runs EMOCA's 'deca_clone' ResNet-50 expression encoder)`);
  }
  const nExp = yamlGet(model, 'n_exp');
  if (nExp !== undefined && nExp !== 50) throw new Error(`${configPath}: n_exp ${String(nExp)} differs from DECA's 50 expression components`);
  const globalPose = yamlGet(model, 'exp_deca_global_pose') === true;
  const jawPose = yamlGet(model, 'exp_deca_jaw_pose') === true;
  const bytes = readBytes(checkpointPath, 'EMOCA checkpoint');
  const tensors = allTensors(checkpointPath, bytes);
  const flame = findModule(tensors, 'E_flame', checkpointPath);
  const expression: ExpressionEncoder = {
    tensors: findModule(tensors, 'E_expression', checkpointPath),
    pose: globalPose && jawPose ? 'both' : globalPose ? 'global' : jawPose ? 'jaw' : 'none',
  };
  const version = `${versionOf(checkpointPath, bytes)}+${versionOf(configPath, readBytes(configPath, 'EMOCA cfg.yaml'))}`;
  return { estimator: 'emoca', version, graph: buildDecaGraph(flame, expression, checkpointPath) };
}

/** Runs a CodeModel on 224² crops. */
export class CodeEstimator {
  private session: Promise<ModelSession> | undefined;

  constructor(
    private readonly backend: OnnxBackend,
    readonly model: CodeModel,
  ) {}

  /** The 236-value code of one crop: NCHW RGB [1, 3, 224, 224] in [0, 1]. */
  async estimate(crop: Float32Array): Promise<Float32Array> {
    if (crop.length !== 3 * 224 * 224) throw new Error(`estimator input must be 3×224×224 values, got ${crop.length}`);
    this.session ??= this.backend.load(`estimate/${this.model.estimator}/${this.model.version}`, () => this.model.graph);
    const session = await this.session;
    const out = await session.run({ image: { dtype: 'float32', shape: [1, 3, 224, 224], data: crop } });
    const code = out.code.data as Float32Array;
    if (code.length !== codeLength) throw new Error(`estimator returned ${code.length} values`);
    return new Float32Array(code);
  }
}
