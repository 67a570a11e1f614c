/**
 * A full garbage collection on request. onnxruntime-node 1.30 returns a JS copy of every output
 * it wrote into a caller's buffer (ModelSession.runPartlyInto): for the train step of
 * upstream's 256-px model that is every gradient, 533 MB a step. V8 frees such copies at its
 * next collection, which may come only after the next step has made its own, so the peak holds
 * two sets; a collection right after the run keeps it at one. The collector is exposed the way
 * Jest does it (`--expose-gc` set at run time, the function taken from a fresh context); where
 * that is refused, nothing is collected early and only the peak is higher.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collector: (() => void) | null | undefined;

/** Runs a full collection; false where the runtime offers none. */
export function collectGarbage(): boolean {
  if (collector === undefined) {
    const exposed = (globalThis as { gc?: () => void }).gc;
    if (typeof exposed === 'function') collector = exposed;
    else {
      try {
        setFlagsFromString('--expose-gc');
        const gc = runInNewContext('gc') as unknown;
        collector = typeof gc === 'function' ? (gc as () => void) : null;
      } catch {
        collector = null;
      }
    }
  }
  collector?.();
  return collector !== null;
}
