import { afterAll, describe, expect, it } from 'vitest';
import { parseAdapterLog } from '../../../src/main/nn/adapter';
import { cudaFilesInstalled, OnnxBackend, providerAvailability } from '../../../src/main/nn/backend';
import { GraphBuilder, float32Tensor } from '../../../src/main/nn/builder';
import { DeviceIo } from '../../../src/main/nn/device';
import { convertGraphToFloat16 } from '../../../src/main/nn/float16';
import { serializeGraph } from '../../../src/main/nn/serialize';

function scaleGraph() {
  const b = new GraphBuilder();
  const x = b.input('x', 'float32', [2, 3]);
  const w = b.initializer('w', float32Tensor(Float32Array.of(1, 2, 3, 4, 5, 6), [3, 2]));
  b.output(b.matmul(x, w), 'y');
  return b.graph;
}

describe('backend loads and runs', () => {
  const backend = new OnnxBackend({ providers: ['cpu'] });
  afterAll(() => backend.disposeAll());

  it('runInto writes results into the caller’s buffers (the CPU loops reuse them every step)', async () => {
    const session = await backend.load('scale', scaleGraph);
    const y = { dtype: 'float32' as const, shape: [2, 2], data: new Float32Array(4) };
    const x = { dtype: 'float32' as const, shape: [2, 3], data: Float32Array.of(1, 0, 0, 0, 1, 1) };
    const out = await session.runInto({ x }, { y });
    expect(out.y).toBe(y);
    expect(Array.from(y.data)).toEqual([1, 2, 8, 10]);
    x.data.set([0, 0, 1, 1, 0, 0]);
    await session.runInto({ x }, { y });
    expect(Array.from(y.data)).toEqual([5, 6, 1, 2]);
    await expect(session.runInto({ x }, { z: y })).rejects.toThrow(/model scale: unknown output z/);
    // nothing crosses a device boundary on the CPU provider
    expect(session.transfers).toEqual({ hostToDevice: 0, deviceToHost: 0 });
  });

  it('uses the float16 variant of prebuilt bytes when float16 is wanted, and float32 bytes as they are', async () => {
    const graph = scaleGraph();
    const prebuilt = { float32: serializeGraph(graph), float16: serializeGraph(convertGraphToFloat16(graph)) };
    const half = await backend.load('pre16', () => prebuilt, { precision: 'float16' });
    const full = await backend.load('pre32', () => prebuilt);
    expect([half.float16, full.float16]).toEqual([true, false]);
    const x = { dtype: 'float32' as const, shape: [2, 3], data: Float32Array.of(1, 0, 0, 0, 1, 1) };
    expect(Array.from((await half.run({ x })).y.data as Float32Array)).toEqual([1, 2, 8, 10]);
    // feeds of byte-loaded models are validated from the session's own metadata
    await expect(full.run({ x: { dtype: 'float32', shape: [3, 2], data: new Float32Array(6) } })).rejects.toThrow(/input x must be float32\[2,3\], got float32\[3,2\]/);
  });

  it('DeviceIo is the identity on a provider without device tensors', async () => {
    const io = new DeviceIo(backend, 'cpu');
    const t = { dtype: 'float32' as const, shape: [1], data: Float32Array.of(3) };
    expect(io.resident).toBe(false);
    expect(await io.upload(t)).toBe(t);
  });
});

describe('provider availability', () => {
  it('says how to install CUDA’s files when they are missing, not "Failed to load shared library"', () => {
    const cuda = providerAvailability('cuda');
    if (cudaFilesInstalled()) expect(cuda.available).toBe(true);
    else expect(cuda.reason).toMatch(/^CUDA files not installed — how to install: .*npm run install-cuda/);
    expect(providerAvailability('cpu')).toEqual({ available: true, reason: null });
  });
});

describe('WebGPU adapter from the probe log', () => {
  it('reads the Vulkan device the loader used, and flags software rasterisers', () => {
    const log = 'DRIVER:                  Using "llvmpipe (LLVM 15.0.6, 256 bits)" with driver: "libvulkan_lvp.so"\n';
    expect(parseAdapterLog(log, 'linux')).toEqual({ description: 'llvmpipe (LLVM 15.0.6, 256 bits)', api: 'Vulkan', driver: 'libvulkan_lvp.so', software: true });
    const nvidia = 'Using "NVIDIA GeForce RTX 3080 Ti Laptop GPU" with driver: "libGLX_nvidia.so.0"';
    expect(parseAdapterLog(nvidia, 'linux')).toMatchObject({ description: 'NVIDIA GeForce RTX 3080 Ti Laptop GPU', software: false });
  });

  it('falls back to the GPU ORT discovered where no Vulkan loader log exists (D3D12, Metal)', () => {
    const log = 'Discovered OrtHardwareDevice {vendor_id:0x1022, device_id:0x0, vendor:AMD, type:0, metadata: []}\nDiscovered OrtHardwareDevice {vendor_id:0x10de, device_id:0x2684, vendor:NVIDIA, type:1, metadata: []}';
    expect(parseAdapterLog(log, 'win32')).toEqual({ description: 'NVIDIA GPU 0x10de:0x2684', api: 'D3D12', driver: null, software: false });
    expect(parseAdapterLog('', 'darwin')).toEqual({ description: null, api: 'Metal', driver: null, software: false });
  });
});
