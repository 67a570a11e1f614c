import { useEffect, useRef, type RefObject } from 'react';
import type { FlameModel } from '../../../../common/flame/model';
import type { Texture } from '../../../../common/render/decaBuffers';
import type { RigStore } from '../rig/rigStore';
import type { FromBufferWorker, ToBufferWorker } from '../workers/bufferProtocol';

export interface BufferTargets {
  rendered: RefObject<HTMLCanvasElement | null>;
  normal: RefObject<HTMLCanvasElement | null>;
  albedo: RefObject<HTMLCanvasElement | null>;
  /** Receives a one-line status ("12 ms · 9,811 px" or an error). */
  status: RefObject<HTMLElement | null>;
}

/**
 * Keeps the three DECA buffers (rendered, normal, albedo) in step with the rig, computed by the
 * TypeScript rasteriser in a Web Worker so the UI thread never waits on it. At most one request
 * is in flight; edits made meanwhile collapse into one request for the latest codes.
 */
export function useBufferWorker(model: FlameModel | null, albedo: Texture | null, store: RigStore, size: number, targets: BufferTargets): void {
  const latestTargets = useRef(targets);
  useEffect(() => {
    latestTargets.current = targets;
  });

  useEffect(() => {
    if (!model) return;
    const worker = new Worker(new URL('../workers/bufferWorker.ts', import.meta.url), { type: 'module', name: 'viewport-buffers' });
    let busy = false;
    let pending = true;
    let nextId = 1;
    const post = (message: ToBufferWorker) => worker.postMessage(message);
    const request = () => {
      if (busy) {
        pending = true;
        return;
      }
      busy = true;
      pending = false;
      const codes = store.codes;
      post({
        type: 'render',
        id: nextId++,
        size,
        codes: { shape: codes.shape.slice(), expression: codes.expression.slice(), pose: codes.pose.slice(), camera: codes.camera.slice(), light: codes.light.slice() },
      });
    };
    worker.onmessage = (event: MessageEvent<FromBufferWorker>) => {
      busy = false;
      const message = event.data;
      const { status } = latestTargets.current;
      if (message.type === 'error') {
        if (status.current) status.current.textContent = `Buffers failed: ${message.message}`;
      } else {
        const { rendered, normal, albedo } = latestTargets.current;
        draw(rendered.current, message.rendered, message.size);
        draw(normal.current, message.normal, message.size);
        draw(albedo.current, message.albedo, message.size);
        if (status.current) {
          status.current.textContent = `${message.size}² · ${Math.round(message.milliseconds)} ms · ${message.coverage.toLocaleString()} px covered`;
        }
      }
      if (pending) request();
    };
    worker.onerror = (event) => {
      busy = false;
      const { status } = latestTargets.current;
      if (status.current) status.current.textContent = `Buffer worker failed: ${event.message}`;
    };
    post({ type: 'model', model, albedo });
    request();
    const unsubscribe = store.onChange(request);
    return () => {
      unsubscribe();
      worker.terminate();
    };
  }, [model, albedo, store, size]);
}

function draw(canvas: HTMLCanvasElement | null, pixels: Uint8ClampedArray, size: number): void {
  if (!canvas) return;
  if (canvas.width !== size) canvas.width = size;
  if (canvas.height !== size) canvas.height = size;
  canvas.getContext('2d')?.putImageData(new ImageData(new Uint8ClampedArray(pixels), size, size), 0, 0);
}
