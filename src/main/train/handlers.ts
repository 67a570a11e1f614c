import { basename, resolve } from 'node:path';
import type { Handlers } from '../../common/contract/channel';
import type { trainContract } from '../../common/contract/train';
import type { trainBaseContract } from '../../common/contract/trainBase';
import type { datasetContract } from '../../common/contract/dataset';
import { trainBaseParamsSchema } from '../../common/contract/trainBase';
import { AppError } from '../core/errors';
import type { ProjectSlot } from '../library/openProject';
import { stage1Config } from './base';
import { inspectTrainingLmdb } from './lmdbDataset';
import { addTrainingSet, listTrainingSets } from './trainingSets';

/** The training channels: stage-2 fine-tuning, stage-1 base training and training sets (spread into the app's handler map). */
export function trainHandlers(projects: Pick<ProjectSlot, 'require'>): Handlers<typeof trainContract & typeof trainBaseContract & typeof datasetContract> {
  return {
    'finetune.start': (params) => ({ jobId: projects.require().jobs.start('finetune', params).id }),
    'trainBase.start': (params) => {
      // an architecture that cannot be built (GroupNorm's multiples of 32, attention at a level
      // that does not exist, …) is refused here, before a job exists, with the same check the job runs
      try {
        stage1Config(trainBaseParamsSchema.parse(params));
      } catch (e) {
        throw new AppError('invalid-params', (e as Error).message);
      }
      return { jobId: projects.require().jobs.start('train-base', params).id };
    },
    'dataset.export': (params) => ({ jobId: projects.require().jobs.start('dataset-export', params).id }),
    // reads the set's length and first record only: light enough for this thread
    'dataset.import': async ({ path, name }) => {
      const info = await inspectTrainingLmdb(resolve(path)).catch((error: unknown) => {
        throw new AppError('invalid-params', (error as Error).message);
      });
      return addTrainingSet(projects.require().project.db, name ?? basename(info.path), info);
    },
    'dataset.list': () => listTrainingSets(projects.require().project.db),
  };
}
