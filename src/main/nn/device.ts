/**
 * Moving tensors between the host and a WebGPU device with what onnxruntime-node 1.30 offers:
 * it has no IO binding and `getData()` on a gpu-buffer tensor terminates the process (a native
 * `char const*` throw). So an upload is a run of a one-node Identity session whose output is
 * kept on the device (`preferredOutputLocation: 'gpu-buffer'`), and a download is a run of an
 * Identity session whose output is on the CPU, fed the gpu-buffer tensor. Both sessions have
 * fully symbolic shapes (one per dtype and rank) and are cached in the backend, so they cost a
 * session each once per process. On a non-WebGPU provider both are the identity on host data.
 */
import type * as ort from 'onnxruntime-node';
import type { HostTensor, ModelSession, OnnxBackend, ProviderName } from './backend';
import { onDevice } from './backend';
import { GraphBuilder } from './builder';
import type { DType } from './ir';

type Direction = 'upload' | 'download';

function identityGraph(dtype: DType, rank: number, direction: Direction) {
  const b = new GraphBuilder();
  b.graph.name = `device-${direction}-${dtype}-r${rank}`;
  // a representative shape: every dimension becomes a symbol below
  const x = b.input('x', dtype, Array(rank).fill(1));
  b.output(b.identity(x), 'y');
  for (let axis = 0; axis < rank; axis++) {
    b.graph.markSymbolic('x', axis, `d${axis}`);
    b.graph.markSymbolic('y', axis, `d${axis}`);
  }
  return b.graph;
}

/** Uploads and downloads through cached Identity sessions of one backend. */
export class DeviceIo {
  constructor(
    private readonly backend: OnnxBackend,
    /** The provider the device tensors belong to ('webgpu' keeps tensors on the device). */
    readonly provider: ProviderName,
  ) {}

  /** True when tensors can stay on a device (the provider is WebGPU). */
  get resident(): boolean {
    return this.provider === 'webgpu';
  }

  private session(dtype: DType, rank: number, direction: Direction): Promise<ModelSession> {
    const key = `device-io:${this.provider}:${direction}:${dtype}:${rank}`;
    return this.backend.load(key, () => identityGraph(dtype, rank, direction), {
      precision: 'float32',
      outputLocation: direction === 'upload' ? { y: 'gpu-buffer' } : undefined,
    });
  }

  /** A device copy of a host tensor (the host tensor itself when not resident). */
  async upload(tensor: HostTensor): Promise<HostTensor | ort.Tensor> {
    if (!this.resident) return tensor;
    const session = await this.session(tensor.dtype, tensor.shape.length, 'upload');
    this.checkProvider(session);
    return (await session.run({ x: tensor })).y;
  }

  /**
   * Host data of a tensor: a gpu-buffer tensor is read through the download session (never
   * getData()); a CPU tensor is returned as it is.
   */
  async download(tensor: ort.Tensor): Promise<ort.Tensor> {
    if (!onDevice(tensor)) return tensor;
    const session = await this.session(tensor.type as DType, tensor.dims.length, 'download');
    this.checkProvider(session);
    return (await session.run({ x: tensor })).y;
  }

  private checkProvider(session: ModelSession): void {
    if (session.provider !== this.provider) {
      throw new Error(`device transfer session runs on ${session.provider}, not ${this.provider}: ${session.fallbacks.map((f) => `${f.provider}: ${f.error}`).join('; ')}`);
    }
  }
}
