/**
 * What the engine actually did: every ONNX Runtime session this process created (or failed to
 * create), with the provider that ran it and why earlier providers were skipped. The backend
 * module records here; the app's Engine panel reads it (engine.info). Per process: sessions
 * made in worker threads land in the worker's own log.
 */
import type { ProviderName } from './providers';

export interface SessionRecord {
  /** The session's cache key (which model and shape). */
  key: string;
  /** The provider that created the session; null when every provider failed. */
  provider: ProviderName | null;
  /** Providers tried before it, with why they were skipped. */
  fallbacks: readonly { provider: ProviderName; error: string }[];
  float16: boolean;
  /** Threads inside one op as configured; null means onnxruntime's default. */
  intraOpThreads: number | null;
  at: Date;
}

/** How many records are kept (the Engine panel shows the latest few). */
export const sessionLogCapacity = 20;

const records: SessionRecord[] = [];

/** Adds a record (oldest records drop out past the capacity). */
export function recordSession(record: SessionRecord): void {
  records.push(record);
  if (records.length > sessionLogCapacity) records.splice(0, records.length - sessionLogCapacity);
}

/** Recorded sessions, newest first. */
export function recentSessions(): SessionRecord[] {
  return [...records].reverse();
}
