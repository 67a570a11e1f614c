/**
 * The result of stage 2 as a model of its own: the base checkpoint's tensors with the trained
 * ones replaced, written as safetensors under the project's derived/models/ and registered as
 * a 'personalized' model with its lineage (base model, album, settings, steps), so editing can
 * select it like any imported checkpoint.
 */
import { createHash } from 'node:crypto';
import { basename, join } from 'node:path';
import { readCheckpoint } from '../checkpoint';
import type { StateDict } from '../checkpoint/stateDict';
import { writeSafetensors } from '../checkpoint/safetensors';
import { writeTorchCheckpoint } from '../checkpoint/torchWriter';
import type { Project } from '../library/project';
import type { ModelRecord } from '../models/registry';
import { ModelRegistry } from '../models/registry';
import { shapesOf } from '../checkpoint/stateDict';
import { parameterCount } from '../models/infer';
import { writeFileAtomicSync } from '../library/atomicFile';

/** Merges trained tensors over the base state dict (keys must exist in the base). */
export function mergeTrained(base: StateDict, trained: StateDict): StateDict {
  const out: StateDict = new Map(base);
  for (const [key, tensor] of trained) {
    const original = base.get(key);
    if (!original) throw new Error(`trained tensor ${key} is not in the base model`);
    if (original.shape.join(',') !== tensor.shape.join(',')) throw new Error(`trained tensor ${key} has shape [${tensor.shape.join(',')}], the base has [${original.shape.join(',')}]`);
    out.set(key, tensor);
  }
  return out;
}

/** Writes the personalised model and registers it; returns the registry record. */
export function registerPersonalisedModel(
  project: Project,
  base: ModelRecord,
  weights: StateDict,
  info: { name: string; lineage: Record<string, unknown> },
): ModelRecord {
  const bytes = writeSafetensors(weights, { format: 'pt', producer: 'rig-studio', baseModel: base.sha256 });
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const dir = join(project.paths.derived, 'models');
  const path = join(dir, `${sha256.slice(0, 16)}.safetensors`);
  writeFileAtomicSync(path, bytes, project.paths.tmp);
  return new ModelRegistry(project.db).add({
    name: info.name,
    kind: 'personalized',
    sourcePath: path,
    filePath: path,
    format: 'safetensors',
    sha256,
    sizeBytes: bytes.length,
    config: base.config,
    parameterCount: parameterCount(shapesOf(weights)).total,
    baseModelId: base.id,
    lineage: info.lineage,
  }).model;
}

/**
 * Writes a registered model's weights as an upstream-compatible PyTorch `.pt` (torch.save of
 * the state dict), e.g. to fine-tune further or sample with the upstream code.
 */
export function exportTorchCheckpoint(model: Pick<ModelRecord, 'filePath'>, path: string): void {
  const { stateDict } = readCheckpoint(model.filePath);
  const archive = basename(path).replace(/\.[^.]*$/, '') || 'archive';
  writeFileAtomicSync(path, writeTorchCheckpoint(stateDict, archive));
}
