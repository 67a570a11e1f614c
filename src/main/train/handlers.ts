import type { Handlers } from '../../common/contract/channel';
import type { trainContract } from '../../common/contract/train';
import type { Backend } from '../app/backend';

/** The fine-tuning channels (spread into the app's handler map). */
export function trainHandlers(backend: Backend): Handlers<typeof trainContract> {
  return {
    'finetune.start': (params) => ({ jobId: backend.require().jobs.start('finetune', params).id }),
  };
}
