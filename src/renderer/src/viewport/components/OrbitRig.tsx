import { useThree } from '@react-three/fiber';
import { useEffect } from 'react';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';

export interface OrbitRigProps {
  /** Changing this number puts the view back where the camera estimate put it. */
  resetSignal?: number;
  minZoomFactor?: number;
  maxZoomFactor?: number;
}

/**
 * Orbit (drag) and zoom (wheel) around the head. No panning: the photo backdrop moves with the
 * camera, so panning would only slide the head off its photo. Renders on demand.
 */
export function OrbitRig({ resetSignal = 0, minZoomFactor = 0.4, maxZoomFactor = 6 }: OrbitRigProps) {
  const camera = useThree((state) => state.camera);
  const domElement = useThree((state) => state.gl.domElement);
  const invalidate = useThree((state) => state.invalidate);
  const size = useThree((state) => state.size);

  useEffect(() => {
    // The estimated camera's view: NDC [-1, 1] fills the shorter side of the canvas.
    camera.position.set(0, 0, 10);
    camera.up.set(0, 1, 0);
    camera.lookAt(0, 0, 0);
    camera.zoom = Math.min(size.width, size.height) / 2;
    camera.updateProjectionMatrix();
    const controls = new OrbitControls(camera, domElement);
    controls.enablePan = false;
    controls.minZoom = camera.zoom * minZoomFactor;
    controls.maxZoom = camera.zoom * maxZoomFactor;
    const onChange = () => invalidate();
    controls.addEventListener('change', onChange);
    invalidate();
    return () => {
      controls.removeEventListener('change', onChange);
      controls.dispose();
    };
  }, [camera, domElement, invalidate, size.width, size.height, minZoomFactor, maxZoomFactor, resetSignal]);

  return null;
}
