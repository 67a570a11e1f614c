/**
 * The neural engine as the user sees it (engine.info): the provider table and which providers
 * this onnxruntime-node build has, the order sessions try them in now (RIG_STUDIO_PROVIDERS or
 * the default), and which provider actually ran the latest sessions and why the ones before it
 * were skipped, whether float16 is in use, and the WebGPU adapter. A probe builds a one-op graph
 * through the real backend, so the answer is measured, not guessed, even before any model has
 * run; it also names the WebGPU adapter (adapter.ts: onnxruntime-node has no API for it).
 */
import { availableParallelism } from 'node:os';
import * as ort from 'onnxruntime-node';
import type { EngineInfo, EngineSession } from '../../common/contract/models';
import { knownWebGpuAdapter, webGpuAdapter } from './adapter';
import { defaultProviderOrder, defaultOrderReason, OnnxBackend, providerAvailability, type ProviderName, parseProviderList, providers } from './backend';
import { GraphBuilder } from './builder';
import type { Graph } from './ir';
import { recentSessions, type SessionRecord } from './sessionLog';

/** How many recent sessions engine.info lists. */
const listed = 5;

/** The provider order in force and where it came from; a bad RIG_STUDIO_PROVIDERS is reported, and the default used. */
export function providerOrderInForce(env: NodeJS.ProcessEnv = process.env): Pick<EngineInfo, 'order' | 'orderSource' | 'orderError'> {
  const text = env.RIG_STUDIO_PROVIDERS;
  if (!text || !text.trim()) return { order: [...defaultProviderOrder], orderSource: 'default', orderError: null };
  try {
    return { order: parseProviderList(text), orderSource: 'environment', orderError: null };
  } catch (error) {
    return { order: [...defaultProviderOrder], orderSource: 'default', orderError: `RIG_STUDIO_PROVIDERS=${text}: ${(error as Error).message}` };
  }
}

function toSession(record: SessionRecord): EngineSession {
  return {
    model: record.key,
    provider: record.provider,
    skipped: record.fallbacks.map((f) => ({ provider: f.provider, reason: f.error })),
    float16: record.float16,
    intraOpThreads: record.intraOpThreads,
    at: record.at.toISOString(),
  };
}

/** y = x + 1 on a [1] tensor: the smallest graph every provider can run. */
function probeGraph(): Graph {
  const b = new GraphBuilder();
  b.graph.name = 'engine-probe';
  b.output(b.add(b.input('x', 'float32', [1]), b.scalar(1)), 'y');
  return b.graph;
}

/**
 * Loads and runs the probe graph with the order in force; returns the provider that ran it.
 * Throws when no provider can (the message lists each one's reason).
 */
export async function probeEngine(env: NodeJS.ProcessEnv = process.env): Promise<ProviderName> {
  // the adapter is named by a probe of its own (a child process), so the panel can show it
  if (providerAvailability('webgpu').available) await webGpuAdapter();
  const backend = new OnnxBackend({ providers: providerOrderInForce(env).order as ProviderName[], float16: 'never' });
  try {
    const session = await backend.load('engine-probe', probeGraph);
    const out = await session.run({ x: { dtype: 'float32', shape: [1], data: new Float32Array([41]) } });
    const y = (out.y.data as Float32Array)[0];
    if (y !== 42) throw new Error(`engine probe on ${session.provider} computed ${y} for 41 + 1`);
    return session.provider;
  } finally {
    await backend.disposeAll();
  }
}

function adapterInfo(): EngineInfo['webgpu'] {
  const adapter = knownWebGpuAdapter();
  if (!adapter) return null;
  return { description: adapter.description, api: adapter.api, software: adapter.software, error: adapter.ok ? null : adapter.error };
}

/** The engine's state for the Engine panel (`probeError`: why a probe just made failed). */
export function engineInfo(env: NodeJS.ProcessEnv = process.env, probeError: string | null = null): EngineInfo {
  const sessions = recentSessions().slice(0, listed).map(toSession);
  return {
    runtime: { name: 'onnxruntime-node', version: ort.env.versions.node ?? ort.env.versions.common },
    providers: (Object.keys(providers) as ProviderName[]).map((name) => {
      const { available, reason } = providerAvailability(name);
      return { name, gpu: providers[name].gpu, available, reason };
    }),
    ...providerOrderInForce(env),
    threads: { logicalCores: availableParallelism() },
    lastSession: sessions[0] ?? null,
    recentSessions: sessions,
    probeError,
    orderReason: defaultOrderReason(process.platform),
    webgpu: adapterInfo(),
  };
}
