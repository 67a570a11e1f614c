/**
 * engine.info through the compute host: the host's own session log (the sessions live there)
 * plus what the client knows about the host (busy requests, restarts). A host in the middle of
 * a long synchronous step answers only after it, so without a probe the answer waits at most
 * `waitMs` and otherwise is the host's last answer (or the provider table alone, computed here
 * without a session) with the busy status; the Engine panel never hangs on a busy engine.
 */
import type { EngineInfo } from '../../common/contract/models';
import { engineInfo } from '../nn/engineInfo';
import type { Engine } from './client';
import type { CoreTasks } from './coreTasks';

const last = new WeakMap<object, EngineInfo>();

/** The Engine panel's data; `probe` waits for the host to run the one-op probe. */
export async function engineInfoFromHost(engine: Engine<CoreTasks>, probe: boolean, waitMs = 300): Promise<EngineInfo> {
  const host = engine.status();
  const asked = engine.request('info', { probe }).then((info) => {
    last.set(engine, info);
    return info;
  });
  if (probe) return { ...(await asked), host };
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), waitMs)));
  try {
    const info = await Promise.race([asked, late]);
    return { ...(info ?? last.get(engine) ?? engineInfo(process.env)), host };
  } catch (error) {
    // the host could not answer (it stopped): say so beside what is known
    return { ...(last.get(engine) ?? engineInfo(process.env)), host: engine.status(), probeError: `the compute engine could not report: ${(error as Error).message}` };
  } finally {
    clearTimeout(timer);
    asked.catch(() => undefined);
  }
}
