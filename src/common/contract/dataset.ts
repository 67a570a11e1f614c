import { z } from 'zod';
import { channel } from './channel';

// Training sets that travel: albums exported in upstream DiffusionRig's LMDB layout (a
// 'dataset-export' job), and LMDB sets used in place as training sources (src/main/train).

const id = z.number().int().positive();

/** Parameters of a 'dataset-export' job. */
export const datasetExportParamsSchema = z.object({
  albumIds: z.array(id).min(1).max(64),
  /** The folder to create on the backend (it must not hold a data.mdb yet). */
  out: z.string().min(1).max(4096),
  imageSize: z.number().int().min(8).max(1024).default(256),
  /** Render every photo with the exported photos' mean shape (create_data.py's --use_meanshape). */
  meanShape: z.boolean().default(false),
  /** 'v2' adds shape_i and identity_i for DiffusionRig-EMO v2. */
  layout: z.enum(['v1', 'v2']).default('v1'),
  /** Require every photo's codes to come from this estimator (null: any). */
  estimator: z.enum(['deca', 'emoca', 'fit']).nullable().default(null),
});
export type DatasetExportParams = z.infer<typeof datasetExportParamsSchema>;

/** What a finished export wrote. */
export interface DatasetExportResult {
  out: string;
  length: number;
  imageSize: number;
  layout: 'v1' | 'v2';
  meanShape: boolean;
  /** The estimators the exported codes came from. */
  estimators: string[];
}

/** A training set the project uses in place, as its first record described it when imported. */
export interface TrainingSetInfo {
  name: string;
  path: string;
  length: number;
  imageSize: number;
  v2: boolean;
  hasMeanShape: boolean;
  importedAt: string;
}

export const datasetContract = {
  /** Starts exporting albums as an LMDB training set ('dataset-export' job). */
  'dataset.export': channel<{ jobId: number }>()(datasetExportParamsSchema.partial({ imageSize: true, meanShape: true, layout: true, estimator: true })),
  /** Checks an LMDB folder on the backend and remembers it by name (nothing is copied). */
  'dataset.import': channel<TrainingSetInfo>()(z.object({ path: z.string().min(1).max(4096), name: z.string().trim().min(1).max(200).optional() })),
  /** The project's training sets. */
  'dataset.list': channel<TrainingSetInfo[]>()(),
};
