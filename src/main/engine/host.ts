/**
 * The compute host's loop: a worker thread that owns every onnxruntime session of the product
 * and runs whole loops (a DDIM batch, a fine-tuning run, a photo's estimation, a result's
 * scores) as one request each; see client.ts for the main side. The entry (out/main/engine.js)
 * is the composition root's app/computeHost.ts, which gives this loop the product's table.
 *
 * Why a worker_threads worker, in Electron too, and not a utilityProcess: onnxruntime-node's
 * `session.run` is synchronous on the calling JS thread, so sessions must live on a thread
 * that serves nothing else; a worker thread gives that in Electron, `serve` and the CLI with one
 * code path and one bundle, its results come back as transferred ArrayBuffers (no copy, no
 * serialisation of tensors), and it shares the process's already loaded native modules
 * (onnxruntime, sharp). A utilityProcess would isolate native crashes better (a native abort
 * in a worker can still take the whole process down; a JS-level exit or uncaught error only
 * ends the worker, which the client turns into a failed job and a fresh host), but it exists
 * only under Electron and copies every buffer through IPC.
 *
 * Requests interleave at their awaits (a sampling batch and a training run both advance), and
 * each is cancelled through its own AbortSignal when the main side sends 'cancel'.
 */
import { readlinkSync } from 'node:fs';
import { constants, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import type { FromHost, HostTable, ToHost } from './protocol';
import { runRequest, toWire, transferables } from './protocol';
import { HostState, type HostOptions } from './state';

/**
 * On Linux, scheduling priority is per thread and new threads inherit it: lowering this thread's
 * before any session exists puts onnxruntime's compute threads (created by the sessions made
 * here) below the thread that serves the UI, so a busy CPU still answers requests first.
 * Elsewhere the call would change the whole process, so it is not made.
 */
function lowerThreadPriority(): void {
  if (process.platform !== 'linux') return;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0 && tid !== process.pid) setPriority(tid, constants.priority.PRIORITY_BELOW_NORMAL);
  } catch {
    // no /proc or not permitted: the host runs at normal priority
  }
}

/**
 * Serves `table` on this worker thread until it ends. Outputs of the kinds in `transferOutputs`
 * hold fresh buffers the host keeps no reference to: they are transferred, not copied.
 */
export function serveHost(table: HostTable, transferOutputs: readonly string[] = []): void {
  const port = parentPort;
  if (!port) throw new Error('engine.js must run as a worker thread (the compute host)');
  lowerThreadPriority();
  const state = new HostState((workerData as HostOptions | undefined) ?? {});
  const running = new Map<number, AbortController>();
  const send = (message: FromHost, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

  port.on('message', (message: ToHost) => {
    if (message.type === 'cancel') {
      running.get(message.id)?.abort();
      return;
    }
    const { id, kind, input } = message;
    const controller = new AbortController();
    running.set(id, controller);
    runRequest(table, state, kind, input as never, { signal: controller.signal, inProcess: false, emit: (event) => send({ type: 'event', id, event }) })
      .then(
        (output) => send({ type: 'result', id, output }, transferOutputs.includes(kind) ? transferables(output) : []),
        (error: unknown) => send({ type: 'error', id, error: toWire(error) }),
      )
      .finally(() => running.delete(id));
  });
}
