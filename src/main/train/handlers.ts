import type { Handlers } from '../../common/contract/channel';
import type { trainContract } from '../../common/contract/train';
import type { trainBaseContract } from '../../common/contract/trainBase';
import type { ProjectSlot } from '../library/openProject';

/** The training channels: stage-2 fine-tuning and stage-1 base training (spread into the app's handler map). */
export function trainHandlers(projects: Pick<ProjectSlot, 'require'>): Handlers<typeof trainContract & typeof trainBaseContract> {
  return {
    'finetune.start': (params) => ({ jobId: projects.require().jobs.start('finetune', params).id }),
    'trainBase.start': (params) => ({ jobId: projects.require().jobs.start('train-base', params).id }),
  };
}
