import { useThree } from '@react-three/fiber';
import { Suspense, useEffect } from 'react';
import type { Texture } from 'three';
import type { DrawableLayout } from '../rig/headGeometry';
import type { DisplayMode } from '../rig/headMaterial';
import type { PosedHead } from '../rig/posedHead';
import type { RigStore } from '../rig/rigStore';
import { HeadMesh } from './HeadMesh';
import { LandmarkPoints } from './LandmarkPoints';
import { OrbitRig } from './OrbitRig';
import { PhotoBackdrop } from './PhotoBackdrop';

export interface HeadSceneProps {
  posed: PosedHead;
  store: RigStore;
  layout: DrawableLayout;
  albedo?: Texture | null;
  mode?: DisplayMode;
  showLandmarks?: boolean;
  photoUrl?: string | null;
  resetSignal?: number;
}

/** Everything inside the canvas; asks for a frame whenever the rig changes (demand rendering). */
export function HeadScene({ posed, store, layout, albedo = null, mode = 'shaded', showLandmarks = false, photoUrl = null, resetSignal = 0 }: HeadSceneProps) {
  const invalidate = useThree((state) => state.invalidate);
  useEffect(() => store.onChange(() => invalidate()), [store, invalidate]);

  return (
    <>
      <OrbitRig resetSignal={resetSignal} />
      {photoUrl && (
        <Suspense fallback={null}>
          <PhotoBackdrop url={photoUrl} />
        </Suspense>
      )}
      <HeadMesh posed={posed} store={store} layout={layout} albedo={albedo} mode={mode} />
      {showLandmarks && posed.rig.hasLandmarks && <LandmarkPoints posed={posed} store={store} />}
    </>
  );
}
