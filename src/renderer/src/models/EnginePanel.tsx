import { useState } from 'react';
import type { EngineInfo } from '../../../common/contract';
import { errorMessage } from '../api';
import { useApi, useEvent } from '../providers/BackendProvider';
import { useCoalesced } from '../hooks/useCoalesced';
import { useQuery } from '../hooks/useQuery';
import { describeSession, formatOrder, orderSourceText, shortReason } from './format';

export type EnginePanelProps = Record<never, never>;

/** "webgpu: llvmpipe (LLVM 15.0.6, 256 bits) (Vulkan, software rasteriser)" or why there is none. */
function describeAdapter(adapter: EngineInfo['webgpu'] | null): string {
  if (!adapter) return 'not probed yet (Test the engine names it)';
  if (adapter.error) return `none: ${adapter.error}`;
  const details = [adapter.api, adapter.software ? 'software rasteriser: the default order uses the CPU instead' : null].filter(Boolean).join(', ');
  return `webgpu: ${adapter.description ?? 'unnamed adapter'} (${details})`;
}

/**
 * The neural engine: which execution providers this build has (CUDA's missing files say how to
 * install them), the order sessions try them in and why, the WebGPU adapter, and which provider
 * actually ran the latest model (with why the ones before it were skipped, and float16 or not).
 * "Test the engine" runs a one-op graph so there is an answer before any model has run.
 */
export function EnginePanel(_props: EnginePanelProps) {
  const api = useApi();
  const [probing, setProbing] = useState(false);
  const [probeFailure, setProbeFailure] = useState<string | null>(null);
  const fetched = useQuery(() => api['engine.info']({ probe: false }), 'engine');
  // a job that ran a model (an edit, a fine-tuning run) may have made new sessions
  const refresh = useCoalesced(fetched.reload, 1000);
  useEvent('job.updated', (job) => {
    if (job.state === 'done' || job.state === 'failed') refresh();
  });

  const info = fetched.data;
  const probe = async () => {
    setProbing(true);
    setProbeFailure(null);
    try {
      setProbeFailure((await api['engine.info']({ probe: true })).probeError);
    } catch (e) {
      setProbeFailure(errorMessage(e));
    } finally {
      setProbing(false);
      fetched.reload();
    }
  };
  const session = info?.lastSession ?? null;

  return (
    <section className="engine-panel" aria-label="Engine">
      <header className="engine-head">
        <h2>Engine</h2>
        {info && (
          <span className="muted">
            {info.runtime.name} {info.runtime.version} · {info.threads.logicalCores} logical cores
          </span>
        )}
        <span className="spacer" />
        <button type="button" className="small" onClick={() => void probe()} disabled={probing}>
          {probing ? 'Testing…' : 'Test the engine'}
        </button>
      </header>
      {fetched.error !== undefined && (
        <p className="form-error" role="alert">
          {errorMessage(fetched.error)}
        </p>
      )}
      {probeFailure && (
        <p className="form-error" role="alert">
          {probeFailure}
        </p>
      )}
      {info && (
        <dl className="model-facts">
          <dt>Provider order</dt>
          <dd>
            <span className="engine-order">{formatOrder(info.order)}</span> <span className="muted">{orderSourceText(info)}</span>
          </dd>
          {info.orderReason && (
            <>
              <dt>Why this order</dt>
              <dd className="muted engine-order-reason">{info.orderReason}</dd>
            </>
          )}
          <dt>In this build</dt>
          <dd>
            {info.providers.map((p) => (
              <span key={p.name} className={`engine-provider ${p.available ? 'available' : 'absent'}`} title={p.available ? 'usable with this onnxruntime-node' : (p.reason ?? 'not in this onnxruntime-node build')}>
                {p.name}
                {p.gpu ? ' (GPU)' : ''}
              </span>
            ))}
            {info.providers
              .filter((p) => !p.available && p.reason && p.reason.includes('how to install'))
              .map((p) => (
                <details key={p.name} className="engine-install">
                  <summary>{p.reason!.split(':')[0]}</summary>
                  <p className="muted">{p.reason!.slice(p.reason!.indexOf(':') + 1).trim()}</p>
                </details>
              ))}
          </dd>
          <dt>WebGPU adapter</dt>
          <dd className="engine-adapter">{describeAdapter(info.webgpu ?? null)}</dd>
          <dt>Last ran on</dt>
          <dd>
            <span className={session?.provider ? 'engine-ran' : 'engine-ran none'} data-provider={session?.provider ?? ''}>
              {describeSession(session)}
            </span>
            {session && (
              <span className="muted">
                {' '}
                · {session.model} · {new Date(session.at).toLocaleTimeString()} · float16: {session.float16 ? 'in use' : 'no (float32)'} · threads per op:{' '}
                {session.intraOpThreads ?? 'onnxruntime default'}
              </span>
            )}
          </dd>
          {session && session.skipped.length > 0 && (
            <>
              <dt>Skipped</dt>
              <dd>
                <ul className="engine-skipped" aria-label="Skipped providers">
                  {session.skipped.map((s) => (
                    <li key={s.provider} title={s.reason}>
                      <strong>{s.provider}</strong>: {shortReason(s.reason)}
                    </li>
                  ))}
                </ul>
              </dd>
            </>
          )}
        </dl>
      )}
    </section>
  );
}
