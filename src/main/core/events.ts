import type { EventMap, EventName } from '../../common/contract';

/** How services announce changes; they get this function, not the hub. */
export type EmitEvent = <K extends EventName>(name: K, payload: EventMap[K]) => void;

export type EventListener = (name: EventName, payload: EventMap[EventName]) => void;

/** Fans backend events out to every transport (WebSocket clients, Electron windows). */
export class EventHub {
  private readonly listeners = new Set<EventListener>();

  /** Subscribes; returns the unsubscribe function. */
  on(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  readonly emit: EmitEvent = (name, payload) => {
    for (const l of [...this.listeners]) {
      try {
        l(name, payload);
      } catch {
        // A broken transport must not stop the others or the service that emitted.
      }
    }
  };
}
