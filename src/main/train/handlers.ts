import type { Handlers } from '../../common/contract/channel';
import type { trainContract } from '../../common/contract/train';
import type { trainBaseContract } from '../../common/contract/trainBase';
import { trainBaseParamsSchema } from '../../common/contract/trainBase';
import { AppError } from '../core/errors';
import type { ProjectSlot } from '../library/openProject';
import { stage1Config } from './base';

/** The training channels: stage-2 fine-tuning and stage-1 base training (spread into the app's handler map). */
export function trainHandlers(projects: Pick<ProjectSlot, 'require'>): Handlers<typeof trainContract & typeof trainBaseContract> {
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
  };
}
