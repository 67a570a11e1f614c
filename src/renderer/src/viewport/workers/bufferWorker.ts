/// <reference lib="webworker" />
// The viewport's buffer worker: skins and rasterises off the UI thread (a 256² buffer set
// takes tens of milliseconds, too long for a frame). One request at a time; the hook coalesces.
import { BufferRenderer } from '../rig/bufferImages';
import type { FromBufferWorker, ToBufferWorker } from './bufferProtocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
let renderer: BufferRenderer | null = null;

scope.onmessage = (event: MessageEvent<ToBufferWorker>) => {
  const message = event.data;
  if (message.type === 'model') {
    renderer = new BufferRenderer(message.model, message.albedo);
    return;
  }
  const reply = (answer: FromBufferWorker, transfer: Transferable[] = []) => scope.postMessage(answer, transfer);
  if (!renderer) {
    reply({ type: 'error', id: message.id, message: 'no head model yet' });
    return;
  }
  try {
    const started = performance.now();
    const images = renderer.render(message.codes, message.size);
    reply(
      { type: 'buffers', id: message.id, size: message.size, milliseconds: performance.now() - started, ...images },
      [images.rendered.buffer, images.normal.buffer, images.albedo.buffer],
    );
  } catch (err) {
    reply({ type: 'error', id: message.id, message: err instanceof Error ? err.message : String(err) });
  }
};
