import type { Handlers } from '../../common/contract/channel';
import type { flameContract } from '../../common/contract/flame';
import { checkModelAssets, type ModelAssetStore } from './assets';

/** The FLAME asset channels → the asset check and store (spread into the app's handler map). */
export function flameHandlers(store: ModelAssetStore) {
  return {
    'flame.assets.get': async () => checkModelAssets(await store.get()),
    'flame.assets.check': (paths) => checkModelAssets(paths),
    'flame.assets.set': async (paths) => {
      await store.set(paths);
      return checkModelAssets(paths);
    },
  } satisfies Handlers<typeof flameContract>;
}
