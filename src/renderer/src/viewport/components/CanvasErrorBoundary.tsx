import { Component, type ErrorInfo, type ReactNode } from 'react';

export interface CanvasErrorBoundaryProps {
  children?: ReactNode;
  /** Side of the placeholder in CSS pixels (the canvas's size). */
  size?: number;
}

interface CanvasErrorBoundaryState {
  error: Error | null;
}

/**
 * Keeps a failed 3D view (no WebGL, a lost context, a shader that does not compile) from taking
 * the sliders, buffers and export down with it: the rest of the viewport works without it.
 */
export class CanvasErrorBoundary extends Component<CanvasErrorBoundaryProps, CanvasErrorBoundaryState> {
  override state: CanvasErrorBoundaryState = { error: null };

  static getDerivedStateFromError(error: Error): CanvasErrorBoundaryState {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('3D view failed', error, info.componentStack);
  }

  override render() {
    const { error } = this.state;
    const { children, size = 512 } = this.props;
    if (!error) return children;
    return (
      <div className="viewport-canvas viewport-canvas-error" role="alert" style={{ width: size, height: size }}>
        <p>The 3D view cannot run here: {error.message}</p>
        <p>It needs WebGL 2. In a browser without a GPU, Chromium's software WebGL (SwiftShader) works; check that hardware acceleration or WebGL is not disabled.</p>
      </div>
    );
  }
}
