import { useFrame, useThree } from '@react-three/fiber';
import { useEffect, useMemo, useRef } from 'react';
import type { BufferAttribute, Group, Texture } from 'three';
import { createHeadGeometry, writeDrawable, type DrawableLayout } from '../rig/headGeometry';
import { createCavityMaterial, createHeadMaterial, setHeadMaterialState, type DisplayMode } from '../rig/headMaterial';
import { placeByCamera } from '../rig/placeByCamera';
import type { PosedHead } from '../rig/posedHead';
import type { RigStore } from '../rig/rigStore';
import { scaledShCoefficients } from '../../../../common/flame/light';

export interface HeadMeshProps {
  posed: PosedHead;
  store: RigStore;
  layout: DrawableLayout;
  albedo?: Texture | null;
  mode?: DisplayMode;
}

/**
 * The posed head. Geometry and material are built once per model; every frame whose codes
 * changed copies the posed vertices into the existing buffers (no React state, no allocation)
 * and applies DECA's camera as the group transform: x' = s·(x + tx), y' = s·(y + ty), z' = s·z.
 */
export function HeadMesh({ posed, store, layout, albedo = null, mode = 'shaded' }: HeadMeshProps) {
  const geometry = useMemo(() => createHeadGeometry(layout), [layout]);
  const material = useMemo(() => createHeadMaterial(albedo), [albedo]);
  const cavity = useMemo(() => createCavityMaterial(), []);
  const group = useRef<Group>(null);
  const drawn = useRef(-1);
  const shaded = useRef(-1);
  const scaledSh = useMemo(() => new Float32Array(27), []);
  const invalidate = useThree((state) => state.invalidate);

  useEffect(() => () => geometry.dispose(), [geometry]);
  useEffect(() => () => material.dispose(), [material]);
  useEffect(() => () => cavity.dispose(), [cavity]);
  useEffect(() => {
    // A new geometry has empty buffers: force a copy on the next frame.
    drawn.current = -1;
    invalidate();
  }, [geometry, invalidate]);
  useEffect(() => {
    setHeadMaterialState(material, mode, scaledShCoefficients(store.codes.light, scaledSh));
    invalidate();
  }, [material, mode, store, scaledSh, invalidate]);

  useFrame(() => {
    if (shaded.current !== store.version) {
      // Light and camera are cheap to apply: on every edit. Re-skinning only when the mesh changed.
      shaded.current = store.version;
      setHeadMaterialState(material, mode, scaledShCoefficients(store.codes.light, scaledSh));
      placeByCamera(group.current, store.codes.camera);
    }
    const version = posed.update();
    if (version === drawn.current) return;
    drawn.current = version;
    const position = geometry.getAttribute('position') as BufferAttribute;
    const normal = geometry.getAttribute('normal') as BufferAttribute;
    writeDrawable(position.array as Float32Array, posed.buffers.vertices, layout.modelIndex);
    writeDrawable(normal.array as Float32Array, posed.buffers.normals, layout.modelIndex);
    position.needsUpdate = true;
    normal.needsUpdate = true;
    geometry.computeBoundingSphere();
  });

  return (
    <group ref={group} name="head">
      <mesh geometry={geometry} material={material} />
      {/* back faces: the inside of the head through an open mouth (not in wireframe, which shows the mesh alone) */}
      <mesh geometry={geometry} material={cavity} visible={mode !== 'wireframe'} />
    </group>
  );
}
