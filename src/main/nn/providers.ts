/**
 * The frozen table of ONNX Runtime execution providers this app knows, and the order sessions
 * try them in (per platform, or the user's RIG_STUDIO_PROVIDERS). The backend (backend.ts)
 * picks from it; the session log (sessionLog.ts) names providers by it.
 */

/** What we know about each execution provider. */
export interface ProviderInfo {
  /** Name onnxruntime-node expects in `executionProviders`. */
  ortName: string;
  gpu: boolean;
  /** False when one session must not run twice at once (DirectML, CoreML). */
  concurrentRuns: boolean;
}

/** The frozen provider table. */
export const providers: Readonly<Record<ProviderName, ProviderInfo>> = Object.freeze({
  cuda: Object.freeze({ ortName: 'cuda', gpu: true, concurrentRuns: true }),
  dml: Object.freeze({ ortName: 'dml', gpu: true, concurrentRuns: false }),
  coreml: Object.freeze({ ortName: 'coreml', gpu: true, concurrentRuns: false }),
  webgpu: Object.freeze({ ortName: 'webgpu', gpu: true, concurrentRuns: false }),
  cpu: Object.freeze({ ortName: 'cpu', gpu: false, concurrentRuns: true }),
});

export type ProviderName = 'cuda' | 'dml' | 'coreml' | 'webgpu' | 'cpu';

/**
 * Default order per platform; the first provider that creates a session wins. Why (README,
 * "Execution providers"): CUDA first wherever its files are installed (fastest, mature). Then
 * WebGPU ahead of DirectML and CoreML: it is bundled on Windows (D3D12), Linux x64 (Vulkan)
 * and macOS (Metal), it is the one provider whose outputs onnxruntime-node can keep on the
 * device (`gpu-buffer`, so sampling loops do not copy x_t each step), and it is the GPU path CI
 * runs (on Mesa's software Vulkan); DirectML and CoreML have never run in this project, CoreML
 * splits our graphs into partitions with per-node CPU fallbacks, and neither can keep outputs on
 * the device from Node. They stay in the order as the next fallback.
 */
export function defaultProviderOrderFor(platform: NodeJS.Platform = process.platform): readonly ProviderName[] {
  if (platform === 'win32') return Object.freeze(['cuda', 'webgpu', 'dml', 'cpu'] as ProviderName[]);
  if (platform === 'darwin') return Object.freeze(['webgpu', 'coreml', 'cpu'] as ProviderName[]);
  return Object.freeze(['cuda', 'webgpu', 'cpu'] as ProviderName[]);
}

/** Why the default order of a platform is what it is (shown in the Engine panel). */
export function defaultOrderReason(platform: NodeJS.Platform = process.platform): string {
  const common = 'WebGPU keeps tensors on the GPU between steps and is the GPU path CI tests; a software WebGPU adapter is skipped for the faster CPU provider';
  if (platform === 'win32') return `CUDA first when its files are installed; then WebGPU (D3D12) before DirectML: ${common}`;
  if (platform === 'darwin') return `WebGPU (Metal) before CoreML, which splits these graphs into partitions with CPU fallbacks: ${common}`;
  return `CUDA first when its files are installed; then WebGPU (Vulkan): ${common}`;
}

/** Default order of this platform (defaultProviderOrderFor(process.platform)). */
export const defaultProviderOrder: readonly ProviderName[] = defaultProviderOrderFor();

/** Parses a user list like "cuda,cpu" into provider names; throws on unknown names. */
export function parseProviderList(text: string): ProviderName[] {
  const names = text.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  for (const n of names) {
    if (!(n in providers)) throw new Error(`unknown execution provider '${n}' (known: ${Object.keys(providers).join(', ')})`);
  }
  if (names.length === 0) throw new Error('empty execution provider list');
  return names as ProviderName[];
}

/**
 * The user's provider order from the environment (RIG_STUDIO_PROVIDERS="cuda,cpu"), or the
 * default order when unset.
 */
export function providerOrderFromEnvironment(env: NodeJS.ProcessEnv = process.env): readonly ProviderName[] {
  const text = env.RIG_STUDIO_PROVIDERS;
  return text && text.trim() ? parseProviderList(text) : defaultProviderOrder;
}
