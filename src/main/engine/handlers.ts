import type { Handlers } from '../../common/contract/channel';
import type { modelsContract } from '../../common/contract/models';
import type { Engine } from './client';
import type { CoreTasks } from './coreTasks';
import { engineInfoFromHost } from './info';

/** The engine channel of the models contract → the compute host's info (spread into the app's handler map). */
export function engineHandlers(engine: Engine<CoreTasks>) {
  return {
    // the sessions live in the compute host: its session log, and whether it is busy
    'engine.info': ({ probe }) => engineInfoFromHost(engine, probe),
  } satisfies Pick<Handlers<typeof modelsContract>, 'engine.info'>;
}
