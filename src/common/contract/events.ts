import type { JobInfo } from './jobs';

/** Pushed from backend to UI (WebSocket in serve mode, IPC events in Electron). */
export interface EventMap {
  'job.updated': JobInfo;
  /** Something in the open project changed; the UI refetches what it shows. */
  'library.changed': { albumId: number | null };
}

export type EventName = keyof EventMap;
export type AnyEvent = { [K in EventName]: { name: K; payload: EventMap[K] } }[EventName];
