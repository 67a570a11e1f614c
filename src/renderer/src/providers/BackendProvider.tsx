import { createContext, useContext, useEffect, useRef, type ReactNode } from 'react';
import type { Api, EventMap, EventName } from '../../../common/contract';
import type { Backend, Transport } from '../api';

const BackendContext = createContext<Backend | null>(null);

export interface BackendProviderProps {
  backend: Backend;
  children?: ReactNode;
}

/** Makes the API and its transport available to every component below. */
export function BackendProvider({ backend, children }: BackendProviderProps) {
  return <BackendContext.Provider value={backend}>{children}</BackendContext.Provider>;
}

function useBackend(): Backend {
  const backend = useContext(BackendContext);
  if (!backend) throw new Error('useApi() outside <BackendProvider>');
  return backend;
}

/** The typed API of the backend. */
export function useApi(): Api {
  return useBackend().api;
}

/** The host transport (mode, image URLs, uploads, native dialogs). */
export function useTransport(): Transport {
  return useBackend().transport;
}

/** Calls `handler` for every backend event named `name` while the component is mounted. */
export function useEvent<K extends EventName>(name: K, handler: (payload: EventMap[K]) => void): void {
  const transport = useTransport();
  const latest = useRef(handler);
  useEffect(() => {
    latest.current = handler;
  });
  useEffect(
    () =>
      transport.subscribe((event) => {
        if (event.name === name) latest.current(event.payload as EventMap[K]);
      }),
    [transport, name],
  );
}

/**
 * Calls `handler` when the event stream comes back after being lost (server restarted, network
 * blip): events were missed meanwhile, so what is shown must be fetched again.
 */
export function useReconnected(handler: () => void): void {
  const transport = useTransport();
  const latest = useRef(handler);
  useEffect(() => {
    latest.current = handler;
  });
  useEffect(() => {
    let opened = false;
    let lost = false;
    return transport.onConnection((state) => {
      if (state === 'open') {
        if (lost) latest.current();
        opened = true;
        lost = false;
      } else if (state === 'closed' && opened) lost = true;
    });
  }, [transport]);
}
