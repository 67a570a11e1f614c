/**
 * The 'model-import' job: reads a DiffusionRig checkpoint in a worker thread (parse, check
 * keys, infer the architecture, hash) and registers it in the project's model registry.
 * Importing the same file again returns the existing entry. Safe to re-run after an
 * interruption: nothing is written before the final single-row insert.
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import type { TaskPool } from '../jobs/pool';
import { importedModelFields, type InspectTasks } from './inspectTask';
import { defineJobKind } from '../jobs/types';
import type { Project } from '../library/project';
import type { ModelRecord } from './registry';
import { ModelRegistry, modelNameFromFile } from './registry';
import { nameUploadedFile, uploadFolders } from './uploads';

export const modelImportParams = z.object({
  path: z.string().min(1),
  name: z.string().min(1).optional(),
  overrides: z
    .object({ unet: z.object({ numHeads: z.number().int().positive().optional(), numHeadsUpsample: z.number().int().positive().optional(), numHeadChannels: z.number().int().optional(), useNewAttentionOrder: z.boolean().optional() }).optional() })
    .optional(),
  /** The image size chosen at import (weights whose channel multipliers do not tell it). */
  imageSize: z.number().int().min(16).max(1024).optional(),
});
export type ModelImportParams = z.infer<typeof modelImportParams>;

/** What the job reports when done. */
export interface ModelImportResult {
  model: ModelRecord;
  /** False when the same checkpoint was already registered. */
  created: boolean;
}

/** The job kind, for one open project. */
export function modelImportJobKind(deps: { project: Project; pool: TaskPool<InspectTasks> }) {
  return defineJobKind<ModelImportParams>({
    kind: 'model-import',
    params: modelImportParams,
    title: (params) => `Import model ${params.name ?? params.path}`,
    async run(ctx): Promise<ModelImportResult> {
      const path = resolve(ctx.params.path);
      ctx.progress(0, nameUploadedFile(`reading ${path}`, path, uploadFolders(deps.project.paths)));
      let facts;
      try {
        facts = await deps.pool.run('inspectCheckpoint', { path, overrides: ctx.params.overrides });
      } catch (error) {
        // an uploaded file is named as the researcher knows it, not by the app's copy of it
        throw new Error(nameUploadedFile(error instanceof Error ? error.message : String(error), path, uploadFolders(deps.project.paths)));
      }
      if (ctx.signal.aborted) throw new Error('cancelled');
      ctx.progress(0.9, 'registering');
      const registry = new ModelRegistry(deps.project.db);
      const name = ctx.params.name ?? modelNameFromFile(path);
      const result = registry.add({
        name,
        ...importedModelFields(facts, path),
        lineage: null,
        imageSize: ctx.params.imageSize ?? null,
      });
      ctx.log('info', result.created ? `registered model ${result.model.id} (${facts.parameters.total} parameters)` : `already registered as model ${result.model.id}`);
      ctx.setResult(result);
      ctx.progress(1, result.created ? `registered as model ${result.model.id}` : `already registered as model ${result.model.id}`);
      return result;
    },
  });
}
