import type { Handlers } from '../../common/contract/channel';
import type { viewportContract } from '../../common/contract/viewport';
import { estimatedPhotos, photoHead, type PhotoSource } from './photoHead';
import type { ViewportService } from './viewportService';

/**
 * The viewport's channels → its services (spread into the app's handler map). `openProject`
 * gives the open project's database and folder, or throws 'no-project'.
 */
export function viewportHandlers(service: ViewportService, openProject: () => PhotoSource) {
  return {
    'viewport.model': () => service.model(),
    'viewport.codes': ({ path, index }) => service.codes(path, index),
    'viewport.estimatedPhotos': ({ albumId }) => estimatedPhotos(openProject(), albumId),
    'viewport.photo': ({ photoId }) => photoHead(openProject(), photoId),
  } satisfies Handlers<typeof viewportContract>;
}
