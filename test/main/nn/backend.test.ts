import { afterEach, describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { defaultProviderOrderFor, ModelSession, OnnxBackend, parseProviderList, providerOrderFromEnvironment } from '../../../src/main/nn/backend';
import { GraphBuilder, float32Tensor } from '../../../src/main/nn/builder';
import { convertGraphToFloat16, float32ToFloat16, float16ToFloat32, toFloat16Bits } from '../../../src/main/nn/float16';

function tinyGraph() {
  const b = new GraphBuilder();
  const x = b.input('x', 'float32', [2, 3]);
  const w = b.initializer('w', float32Tensor(Float32Array.of(1, 2, 3, 4, 5, 6), [3, 2]));
  b.output(b.add(b.matmul(x, w), b.scalar(0.5)), 'y');
  return b.graph;
}

describe('OnnxBackend', () => {
  const backend = new OnnxBackend({ intraOpThreads: 1 });
  afterEach(() => backend.disposeAll());

  it('falls back through the provider list, records the provider that ran, caches sessions', async () => {
    const b = new OnnxBackend({ providers: ['cuda', 'dml', 'cpu'] });
    const session = await b.load('tiny', tinyGraph);
    expect(session.provider).toBe('cpu');
    expect(session.fallbacks.map((f) => f.provider)).toEqual(['cuda', 'dml']);
    expect(await b.load('tiny', () => { throw new Error('not rebuilt'); })).toBe(session);
    const out = await session.run({ x: { dtype: 'float32', shape: [2, 3], data: Float32Array.of(1, 0, 0, 0, 1, 1) } });
    expect(Array.from(out.y.data as Float32Array)).toEqual([1.5, 2.5, 8.5, 10.5]);
    await b.disposeAll();
    await expect(session.run({ x: { dtype: 'float32', shape: [2, 3], data: new Float32Array(6) } })).rejects.toThrow(/disposed/);
  });

  it('validates feeds against the session inputs with clear messages', async () => {
    const session = await backend.load('tiny', tinyGraph);
    await expect(session.run({})).rejects.toThrow(/model tiny: missing inputs: x/);
    await expect(session.run({ x: { dtype: 'float32', shape: [2, 3], data: new Float32Array(6) }, z: { dtype: 'float32', shape: [1], data: new Float32Array(1) } }))
      .rejects.toThrow(/unexpected inputs: z/);
    await expect(session.run({ x: { dtype: 'float32', shape: [3, 2], data: new Float32Array(6) } })).rejects.toThrow(/input x must be float32\[2,3\], got float32\[3,2\]/);
  });

  it('names every provider that failed when none can load the model', async () => {
    const b = new OnnxBackend({ providers: ['cuda', 'coreml'] });
    await expect(b.load('tiny', tinyGraph)).rejects.toThrow(/no execution provider could load it:\n\s+cuda: .*\n\s+coreml: /);
  });

  it('parses user provider lists, also from RIG_STUDIO_PROVIDERS', () => {
    expect(parseProviderList('CUDA, cpu')).toEqual(['cuda', 'cpu']);
    expect(providerOrderFromEnvironment({ RIG_STUDIO_PROVIDERS: 'dml,cpu' })).toEqual(['dml', 'cpu']);
    expect(providerOrderFromEnvironment({})).toEqual(defaultProviderOrderFor(process.platform));
    // per platform: CUDA first where installed, WebGPU before DirectML/CoreML, the CPU last
    expect(defaultProviderOrderFor('linux')).toEqual(['cuda', 'webgpu', 'cpu']);
    expect(defaultProviderOrderFor('win32')).toEqual(['cuda', 'webgpu', 'dml', 'cpu']);
    expect(defaultProviderOrderFor('darwin')).toEqual(['webgpu', 'coreml', 'cpu']);
    expect(() => parseProviderList('tpu')).toThrow(/unknown execution provider 'tpu'/);
  });
});

describe('float16', () => {
  it('converts halves exactly like IEEE round-to-nearest-even', () => {
    expect(toFloat16Bits(1)).toBe(0x3c00);
    expect(toFloat16Bits(-2)).toBe(0xc000);
    expect(toFloat16Bits(65504)).toBe(0x7bff);
    expect(toFloat16Bits(70000)).toBe(0x7c00);
    expect(toFloat16Bits(2 ** -24)).toBe(1);
    expect(toFloat16Bits(1 + 2 ** -11)).toBe(0x3c00); // tie → even
    expect(toFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02);
    const values = Float32Array.of(0.1, -3.14159, 1e-5, 1000.5);
    float16ToFloat32(float32ToFloat16(values)).forEach((v, i) => expect(Math.abs(v - values[i])).toBeLessThanOrEqual(Math.abs(values[i]) * 2 ** -11 + 2 ** -25));
  });

  it('converts a graph to float16 compute with float32 boundaries', async () => {
    const half = convertGraphToFloat16(tinyGraph());
    expect(half.inputs[0].dtype).toBe('float32');
    expect(half.outputs[0].dtype).toBe('float32');
    expect(half.outputs[0].name).toBe('y');
    expect(half.initializers.find((v) => v.name === 'w')?.dtype).toBe('float16');
    expect(half.nodes.find((n) => n.opType === 'MatMul')?.outputs[0].dtype).toBe('float16');
    // ORT's CPU provider has float16 MatMul/Add, so the converted graph runs here too
    const session = await new OnnxBackend({ providers: ['cpu'] }).load('half', () => half);
    const out = await session.run({ x: { dtype: 'float32', shape: [2, 3], data: Float32Array.of(1, 0, 0, 0, 1, 1) } });
    expect(Array.from(out.y.data as Float32Array)).toEqual([1.5, 2.5, 8.5, 10.5]);
    await session.dispose();
  });
});

describe('ModelSession run serialisation', () => {
  function fakeSession() {
    let active = 0;
    let maxActive = 0;
    const session = {
      inputNames: ['x'],
      outputNames: ['y'],
      async run() {
        active++;
        maxActive = Math.max(maxActive, active);
        await new Promise((r) => setTimeout(r, 5));
        active--;
        return { y: new ort.Tensor('float32', new Float32Array(1), [1]) };
      },
      async release() {},
    };
    return { session: session as unknown as ort.InferenceSession, maxActive: () => maxActive };
  }
  const feed = { x: { dtype: 'float32' as const, shape: [1], data: new Float32Array(1) } };

  it('queues runs on providers that cannot run a session concurrently (DirectML) and not on CPU', async () => {
    const dml = fakeSession();
    const serial = new ModelSession('m', dml.session, 'dml', true, null, []);
    await Promise.all([serial.run(feed), serial.run(feed), serial.run(feed)]);
    expect(dml.maxActive()).toBe(1);
    const cpu = fakeSession();
    const parallel = new ModelSession('m', cpu.session, 'cpu', false, null, []);
    await Promise.all([parallel.run(feed), parallel.run(feed), parallel.run(feed)]);
    expect(cpu.maxActive()).toBe(3);
  });
});
