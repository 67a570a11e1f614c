import { useFrame, useThree } from '@react-three/fiber';
import { useEffect, useMemo, useRef } from 'react';
import { BufferAttribute, BufferGeometry, DynamicDrawUsage, PointsMaterial, type Group } from 'three';
import { placeByCamera } from '../rig/placeByCamera';
import type { PosedHead } from '../rig/posedHead';
import type { RigStore } from '../rig/rigStore';

export interface LandmarkPointsProps {
  posed: PosedHead;
  store: RigStore;
  color?: string;
  /** Point size in pixels. */
  size?: number;
}

/**
 * DECA's 68 landmarks (17 dynamic contour + 51 static, iBUG order) as dots drawn over the head
 * (depth test off, so the contour on the far cheek stays visible as DECA projects it).
 */
export function LandmarkPoints({ posed, store, color = '#39ff88', size = 5 }: LandmarkPointsProps) {
  const geometry = useMemo(() => {
    const g = new BufferGeometry();
    const position = new BufferAttribute(new Float32Array(68 * 3), 3);
    position.setUsage(DynamicDrawUsage);
    g.setAttribute('position', position);
    return g;
  }, []);
  // Not tone-mapped: the dots keep their exact colour over any photo.
  const material = useMemo(() => new PointsMaterial({ color, size, sizeAttenuation: false, depthTest: false, transparent: true, toneMapped: false }), [color, size]);
  const group = useRef<Group>(null);
  const drawn = useRef(-1);
  const placed = useRef(-1);
  const invalidate = useThree((state) => state.invalidate);

  useEffect(() => () => geometry.dispose(), [geometry]);
  useEffect(() => () => material.dispose(), [material]);
  useEffect(() => invalidate(), [invalidate]);

  useFrame(() => {
    if (placed.current !== store.version) {
      placed.current = store.version;
      placeByCamera(group.current, store.codes.camera);
    }
    const version = posed.update();
    if (version === drawn.current) return;
    drawn.current = version;
    const position = geometry.getAttribute('position') as BufferAttribute;
    (position.array as Float32Array).set(posed.buffers.landmarks);
    position.needsUpdate = true;
    geometry.computeBoundingSphere();
  });

  return (
    <group ref={group} name="landmarks">
      <points geometry={geometry} material={material} renderOrder={10} />
    </group>
  );
}
