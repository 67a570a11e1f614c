import type { Handlers } from '../../common/contract/channel';
import type { viewportContract } from '../../common/contract/viewport';
import type { ViewportService } from './viewportService';

/** The viewport's channels → its service (spread into the app's handler map). */
export function viewportHandlers(service: ViewportService) {
  return {
    'viewport.model': () => service.model(),
    'viewport.codes': ({ path, index }) => service.codes(path, index),
  } satisfies Handlers<typeof viewportContract>;
}
