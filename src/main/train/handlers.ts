import type { Handlers } from '../../common/contract/channel';
import type { trainContract } from '../../common/contract/train';
import type { trainBaseContract } from '../../common/contract/trainBase';
import type { Backend } from '../app/backend';

/** The training channels: stage-2 fine-tuning and stage-1 base training (spread into the app's handler map). */
export function trainHandlers(backend: Backend): Handlers<typeof trainContract & typeof trainBaseContract> {
  return {
    'finetune.start': (params) => ({ jobId: backend.require().jobs.start('finetune', params).id }),
    'trainBase.start': (params) => ({ jobId: backend.require().jobs.start('train-base', params).id }),
  };
}
