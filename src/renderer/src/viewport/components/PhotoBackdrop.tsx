import { createPortal, useLoader, useThree } from '@react-three/fiber';
import { useEffect } from 'react';
import { SRGBColorSpace, TextureLoader } from 'three';

export interface PhotoBackdropProps {
  /** The face crop the camera estimate refers to (DECA's [-1, 1] frame), as an image URL. */
  url: string;
  opacity?: number;
}

/**
 * The photo behind the head, fixed to the camera: a 2×2 plane in the camera's own frame covers
 * exactly the NDC square the orthographic camera estimate maps to, at every zoom, so the posed
 * head sits on the face at the reset view and the photo stays put while orbiting.
 */
export function PhotoBackdrop({ url, opacity = 1 }: PhotoBackdropProps) {
  const texture = useLoader(TextureLoader, url);
  const camera = useThree((state) => state.camera);
  const scene = useThree((state) => state.scene);
  const invalidate = useThree((state) => state.invalidate);

  useEffect(() => {
    // Photo pixels are sRGB: decoded on sampling and encoded again on output, shown as they are.
    texture.colorSpace = SRGBColorSpace;
    texture.needsUpdate = true;
    invalidate();
  }, [texture, invalidate]);

  useEffect(() => {
    // A camera only renders its children when it is part of the scene graph.
    scene.add(camera);
    invalidate();
    return () => {
      scene.remove(camera);
    };
  }, [scene, camera, invalidate]);

  return createPortal(
    <mesh position={[0, 0, -50]} renderOrder={-1}>
      <planeGeometry args={[2, 2]} />
      <meshBasicMaterial map={texture} depthWrite={false} transparent={opacity < 1} opacity={opacity} toneMapped={false} />
    </mesh>,
    camera,
  );
}
