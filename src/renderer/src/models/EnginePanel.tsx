import { useState } from 'react';
import { errorMessage } from '../api';
import { useApi, useEvent } from '../app/BackendProvider';
import { useCoalesced } from '../hooks/useCoalesced';
import { useQuery } from '../hooks/useQuery';
import { describeSession, formatOrder, orderSourceText, shortReason } from './format';

export type EnginePanelProps = Record<never, never>;

/**
 * The neural engine: which execution providers this build has, the order sessions try them in,
 * and which provider actually ran the latest model (with why the ones before it were skipped).
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
          <dt>In this build</dt>
          <dd>
            {info.providers.map((p) => (
              <span key={p.name} className={`engine-provider ${p.available ? 'available' : 'absent'}`} title={p.available ? 'built into this onnxruntime-node' : 'not in this onnxruntime-node build'}>
                {p.name}
                {p.gpu ? ' (GPU)' : ''}
              </span>
            ))}
          </dd>
          <dt>Last ran on</dt>
          <dd>
            <span className={session?.provider ? 'engine-ran' : 'engine-ran none'} data-provider={session?.provider ?? ''}>
              {describeSession(session)}
            </span>
            {session && (
              <span className="muted">
                {' '}
                · {session.model} · {new Date(session.at).toLocaleTimeString()} · threads per op: {session.intraOpThreads ?? 'onnxruntime default'}
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
