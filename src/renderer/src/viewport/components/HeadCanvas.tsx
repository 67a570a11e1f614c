import { Canvas } from '@react-three/fiber';
import type { HeadSceneProps } from './HeadScene';
import { HeadScene } from './HeadScene';

export interface HeadCanvasProps extends HeadSceneProps {
  /** Canvas side in CSS pixels; square, because DECA's camera frame is. */
  size?: number;
  background?: string;
}

/**
 * The WebGL view: an orthographic camera looking down −z like DECA's renderer, drawn on demand
 * (a frame only when the rig, the view or the mode changes).
 */
export function HeadCanvas({ size = 512, background = '#1d2026', ...scene }: HeadCanvasProps) {
  return (
    <div className="viewport-canvas" data-testid="viewport-canvas" style={{ width: size, height: size, background }}>
      <Canvas
        orthographic
        frameloop="demand"
        camera={{ position: [0, 0, 10], near: 0.1, far: 100, zoom: size / 2 }}
        gl={{ antialias: true, preserveDrawingBuffer: true }}
      >
        <HeadScene {...scene} />
      </Canvas>
    </div>
  );
}
