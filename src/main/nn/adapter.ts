/**
 * Which GPU the WebGPU execution provider runs on. onnxruntime-node 1.30 has no API for it: no
 * session option, env field (`ort.env.webgpu` stays empty in Node) or log line of ORT names the
 * adapter Dawn picked. The Vulkan loader does: with `VK_LOADER_DEBUG=driver` it prints
 * `Using "<device name>" with driver: "<library>"` when Dawn creates its device. And ORT's own
 * verbose log lists the hardware it discovered (`OrtHardwareDevice {vendor_id, device_id,
 * vendor, type}`, type 1 = GPU) on every platform. Both go to the native stderr, so the probe
 * runs in a child process (the same Node/Electron binary, ELECTRON_RUN_AS_NODE) that creates
 * a one-op WebGPU session and exits; a WebGPU failure there cannot take the app down either.
 *
 * What is recorded: on Linux the Vulkan device name and driver (e.g. "llvmpipe (LLVM 15.0.6,
 * 256 bits), Vulkan, libvulkan_lvp.so"); on Windows (D3D12) and macOS (Metal), where no loader
 * log exists, the GPU vendor and PCI ids ORT discovered (e.g. "NVIDIA GPU 0x10de:0x2684,
 * D3D12"), which is what can be known without a native addon of our own.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { GraphBuilder } from './builder';
import { serializeGraph } from './serialize';

/** The adapter WebGPU runs on, as far as the probe could tell. */
export interface WebGpuAdapter {
  /** True when a WebGPU session could be created at all. */
  ok: boolean;
  /** e.g. "llvmpipe (LLVM 15.0.6, 256 bits)" or "NVIDIA GPU 0x10de:0x2684"; null when unknown. */
  description: string | null;
  /** The graphics API under WebGPU: Vulkan (Linux), D3D12 (Windows), Metal (macOS). */
  api: 'Vulkan' | 'D3D12' | 'Metal' | 'unknown';
  /** Vulkan driver library, when the loader named it. */
  driver: string | null;
  /** A CPU rasteriser (llvmpipe/lavapipe, SwiftShader, WARP): slower than the CPU provider. */
  software: boolean;
  /** Why WebGPU could not start (ok false), else null. */
  error: string | null;
}

/** Adapter names of software rasterisers. */
const softwareNames = /llvmpipe|lavapipe|swiftshader|microsoft basic render|\bwarp\b|softpipe/i;

function graphicsApi(platform: NodeJS.Platform): WebGpuAdapter['api'] {
  if (platform === 'linux') return 'Vulkan';
  if (platform === 'win32') return 'D3D12';
  if (platform === 'darwin') return 'Metal';
  return 'unknown';
}

/** Parses the probe's combined output (exported for tests). */
export function parseAdapterLog(log: string, platform: NodeJS.Platform = process.platform): Omit<WebGpuAdapter, 'ok' | 'error'> {
  const api = graphicsApi(platform);
  const used = /Using "([^"]+)" with driver: "([^"]+)"/.exec(log);
  if (used) return { description: used[1], api, driver: used[2], software: softwareNames.test(used[1]) || /lvp/.test(used[2]) };
  // ORT's discovery: {vendor_id:0x10de, device_id:0x2684, vendor:NVIDIA, type:1, ...}; type 1 is a GPU
  const gpus = [...log.matchAll(/OrtHardwareDevice \{vendor_id:(0x[0-9a-f]+), device_id:(0x[0-9a-f]+), vendor:([^,]*), type:1\b/gi)];
  if (gpus.length > 0) {
    const [, vendorId, deviceId, vendor] = gpus[0];
    return { description: `${vendor.trim() || 'unknown vendor'} GPU ${vendorId}:${deviceId}`, api, driver: null, software: false };
  }
  return { description: null, api, driver: null, software: false };
}

// the child: create a WebGPU session of a one-op model with ORT's verbose log, run it once
const childScript = `
const ort = require(process.argv[1]);
ort.env.logLevel = 'verbose';
const bytes = Buffer.from(process.argv[2], 'base64');
ort.InferenceSession.create(bytes, { executionProviders: ['webgpu'], logSeverityLevel: 0 })
  .then((s) => s.run({ x: new ort.Tensor('float32', Float32Array.of(1), [1]) }))
  .then((out) => { process.stdout.write('\\nPROBE-OK ' + out.y.data[0] + '\\n'); process.exit(0); })
  .catch((e) => { process.stdout.write('\\nPROBE-ERROR ' + (e && e.message || e) + '\\n'); process.exit(3); });
`;

function probeModel(): string {
  const b = new GraphBuilder();
  b.graph.name = 'adapter-probe';
  b.output(b.add(b.input('x', 'float32', [1]), b.scalar(1)), 'y');
  return Buffer.from(serializeGraph(b.graph)).toString('base64');
}

/** Sets XDG_RUNTIME_DIR when unset: Mesa's Vulkan drivers need it (the OS temp folder is enough). */
export function ensureRuntimeDir(env: NodeJS.ProcessEnv = process.env): void {
  if (process.platform === 'linux' && !env.XDG_RUNTIME_DIR) env.XDG_RUNTIME_DIR = tmpdir();
}

/** Runs the probe in a child process (at most `timeoutMs`); never throws. */
export function probeWebGpuAdapter(timeoutMs = 60_000): Promise<WebGpuAdapter> {
  const api = graphicsApi(process.platform);
  let ortPath: string;
  try {
    ortPath = createRequire(__filename).resolve('onnxruntime-node');
  } catch (error) {
    return Promise.resolve({ ok: false, description: null, api, driver: null, software: false, error: `onnxruntime-node not found: ${(error as Error).message}` });
  }
  const env: NodeJS.ProcessEnv = { ...process.env, ELECTRON_RUN_AS_NODE: '1', VK_LOADER_DEBUG: 'driver' };
  ensureRuntimeDir(env);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', childScript, ortPath, probeModel()], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout.on('data', (d: Buffer) => (log += d.toString()));
    child.stderr.on('data', (d: Buffer) => (log += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const finish = (code: number | null, signal: string | null) => {
      clearTimeout(timer);
      const parsed = parseAdapterLog(log);
      const ok = /PROBE-OK 2\b/.test(log);
      const failure = /PROBE-ERROR (.*)/.exec(log)?.[1];
      const error = ok ? null : failure ?? (signal ? `probe ended by ${signal}${signal === 'SIGKILL' ? ` (no answer in ${timeoutMs / 1000} s)` : ''}` : `probe exited with code ${code}`);
      resolve({ ok, ...parsed, error });
    };
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ ok: false, description: null, api, driver: null, software: false, error: `could not start the probe: ${error.message}` });
    });
    child.on('close', finish);
  });
}

let cached: Promise<WebGpuAdapter> | undefined;
let known: WebGpuAdapter | undefined;

/** The adapter of this machine, probed once per process. */
export function webGpuAdapter(): Promise<WebGpuAdapter> {
  cached ??= probeWebGpuAdapter().then((adapter) => (known = adapter));
  return cached;
}

/** The probed adapter when a probe has finished in this process, else undefined. */
export function knownWebGpuAdapter(): WebGpuAdapter | undefined {
  return known;
}

/** "llvmpipe (LLVM 15.0.6, 256 bits) (Vulkan, software)" for display. */
export function describeAdapter(adapter: WebGpuAdapter): string {
  if (!adapter.ok) return `no WebGPU adapter: ${adapter.error ?? 'unknown reason'}`;
  const details = [adapter.api !== 'unknown' ? adapter.api : null, adapter.software ? 'software rasteriser' : null].filter(Boolean).join(', ');
  return `${adapter.description ?? 'unnamed adapter'}${details ? ` (${details})` : ''}`;
}
