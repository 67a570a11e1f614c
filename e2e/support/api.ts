import type { APIRequestContext } from '@playwright/test';
import type { ServeHandle } from './server';

/** Calls a contract channel over serve mode's HTTP transport (for test set-up, not under test). */
export async function callApi<T>(request: APIRequestContext, server: Pick<ServeHandle, 'origin' | 'token'>, channel: string, ...params: unknown[]): Promise<T> {
  const res = await request.post(`${server.origin}/api/call/${channel}`, { data: params, headers: { Authorization: `Bearer ${server.token}` } });
  const body = await res.json();
  if (!res.ok()) throw new Error(`${channel}: ${res.status()} ${JSON.stringify(body)}`);
  return body.result as T;
}
