import type { Handlers } from '../../common/contract/channel';
import type { estimateContract } from '../../common/contract/estimate';
import type { ModelAssetPaths } from '../../common/contract/flame';
import type { OpenProject } from '../library/openProject';
import type { EstimateParams } from './estimateJob';
import { checkEstimator, estimatorSpecFor, readChoice, writeChoice } from './estimatorChoice';
import { EstimateViews } from './views';

/** What the estimate channels need: the open project (or 'no-project') and the FLAME paths from Settings. */
export interface EstimateHandlerDeps {
  openProject: () => OpenProject;
  assets: () => ModelAssetPaths;
}

/**
 * The estimate channels → the project's estimator choice, the 'estimate' job kind of
 * src/main/estimate and the read/edit views (spread into the app's handler map).
 */
export function estimateHandlers({ openProject, assets }: EstimateHandlerDeps) {
  const views = () => new EstimateViews(openProject().project);
  return {
    'estimate.estimator.get': () => checkEstimator(readChoice(openProject().project.db), assets()),
    'estimate.estimator.check': (choice) => checkEstimator(choice, assets()),
    'estimate.estimator.set': (choice) => {
      writeChoice(openProject().project.db, choice);
      return checkEstimator(choice, assets());
    },
    'estimate.start': ({ albumId, photoIds, redo, faceChoices }) => {
      const { project, library, jobs } = openProject();
      library.getAlbum(albumId); // a missing album is the caller's error now, not the job's later
      const params: Omit<EstimateParams, 'cacheDir'> = { albumId, estimator: estimatorSpecFor(readChoice(project.db), assets()), photoIds, redo, faceChoices };
      return { jobId: jobs.start('estimate', params).id };
    },
    'estimate.album': ({ albumId }) => views().album(albumId),
    'estimate.photo': ({ photoId }) => views().photo(photoId),
    'estimate.saveCodes': ({ photoId, codes }) => views().saveCodes(photoId, codes),
    'estimate.restore': ({ photoId }) => views().restore(photoId),
  } satisfies Handlers<typeof estimateContract>;
}
