import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCheckpoint } from '../../../src/main/checkpoint';
import { readNpz } from '../../../src/main/io/npy';
import { loadDiffusionRig } from '../../../src/main/models/diffusionrig';
import { OnnxBackend } from '../../../src/main/nn/backend';
import type { Value } from '../../../src/main/nn/ir';
import { TrainStepRunner } from '../../../src/main/train/runner';
import { buildTrainStep, gradientName, unetBlockSegments, type TrainStepGraph } from '../../../src/main/train/trainStep';
import { randomWeights } from '../../../src/main/train/init';
import { Trainer } from '../../../src/main/train/trainer';
import { sharedPath } from '../../helpers/shared';
import { syntheticAlbum, tinyConfig, size } from './tiny';

// Activation recomputation (upstream's use_checkpoint) on the 64-px fixture model: the same
// gradients, and the backward pass no longer reads any inner activation of a recomputed block.
describe('activation recomputation', () => {
  const dir = sharedPath('fixtures', 'diffusionrig-a');
  const weights = loadDiffusionRig(readCheckpoint(join(dir, 'model000000.pt')).stateDict, 'model000000.pt');
  const io = readNpz(readFileSync(join(dir, 'io.npz')), 'io.npz');
  const get = (name: string) => io.get(name)!.data as Float32Array;
  const build = (recompute: boolean, recomputeNorms: boolean) =>
    buildTrainStep({ config: weights.config, stateDict: weights.stateDict, batch: 2, imageSize: 64, dropout: false, exposeGradients: true, recompute, recomputeNorms });
  const plain = build(false, false);
  const norms = build(false, true); // the default train step
  const recomputed = build(true, true);

  const innerValuesReadByBackward = (step: TrainStepGraph) => {
    const segment = unetBlockSegments(step.graph);
    const forward = step.graph.nodes.filter((n) => !n.name.startsWith('grad/'));
    const blockOf = new Map<Value, string>();
    for (const node of forward) {
      const key = segment(node);
      if (key) for (const out of node.outputs) blockOf.set(out, key);
    }
    // a block's outputs are what forward nodes of other blocks (or no block) read
    const outputs = new Set<Value>();
    for (const node of forward) for (const v of node.inputs) if (v && blockOf.has(v) && blockOf.get(v) !== segment(node)) outputs.add(v);
    const read = new Set<Value>();
    for (const node of step.graph.nodes.filter((n) => n.name.startsWith('grad/'))) {
      for (const v of node.inputs) if (v && blockOf.has(v) && !outputs.has(v)) read.add(v);
    }
    return { read: read.size, blocks: new Set(blockOf.values()).size };
  };

  it('keeps no inner activation of a ResBlock or attention block for the backward pass', () => {
    const before = innerValuesReadByBackward(plain);
    const after = innerValuesReadByBackward(recomputed);
    if (process.env.RECOMPUTE_REPORT) console.log(before, after);
    expect(before.blocks).toBeGreaterThanOrEqual(10);
    expect(before.read).toBeGreaterThan(100);
    expect(after.read).toBe(0);
    expect(recomputed.graph.nodes.length).toBeGreaterThan(plain.graph.nodes.length);
  });

  it('keeps no inner value of a normalisation segment (GroupNorm, FiLM, SiLU) for the backward pass by default', () => {
    const innerReads = (step: TrainStepGraph) => {
      const forward = step.graph.nodes.filter((n) => !n.name.startsWith('grad/'));
      const segmentOf = (node: (typeof forward)[number]) => node.tags.find((t) => t.startsWith('norm-segment:'));
      const inner = new Map<Value, string>();
      for (const node of forward) {
        const key = segmentOf(node);
        if (key) for (const out of node.outputs) inner.set(out, key);
      }
      // a segment's outputs are what nodes outside it read
      for (const node of forward) for (const v of node.inputs) if (v && inner.has(v) && inner.get(v) !== segmentOf(node)) inner.delete(v);
      const read = new Set<Value>();
      for (const node of step.graph.nodes.filter((n) => n.name.startsWith('grad/'))) for (const v of node.inputs) if (v && inner.has(v)) read.add(v);
      return { read: read.size, segments: new Set(inner.values()).size };
    };
    const before = innerReads(plain);
    const after = innerReads(norms);
    expect(before.segments).toBeGreaterThanOrEqual(20);
    expect(before.read).toBeGreaterThan(100);
    expect(after.read).toBe(0);
  });

  it('gives the same gradients with and without recomputation (≤ 1e-5 relative)', async () => {
    const backend = new OnnxBackend({ providers: ['cpu'], graphOptimizationLevel: 'basic' });
    try {
      const grads = async (step: TrainStepGraph, key: string) => {
        const runner = new TrainStepRunner(await backend.load(key, () => step.graph), step, weights.stateDict);
        const out = new Map<string, Float32Array>();
        const t = BigInt64Array.from(io.get('t')!.data as ArrayLike<bigint | number>, (v) => BigInt(v));
        await runner.step({ x0: get('x0'), physical: get('physic_cond'), timesteps: t, noise: get('noise') }, 1e-5, (o) => {
          for (const { key: k } of step.parameters) out.set(k, (o[gradientName(k)].data as Float32Array).slice());
        });
        return out;
      };
      const a = await grads(plain, 'plain');
      const normsOnly = await grads(norms, 'norms');
      const b = await grads(recomputed, 'recomputed');
      expect(b.size).toBe(a.size);
      // recomputing runs the same ops on the same values: the norm segments alone change nothing
      for (const [key, ga] of a) expect(normsOnly.get(key), key).toEqual(ga);
      let largest = 0;
      for (const g of a.values()) for (const v of g) largest = Math.max(largest, Math.abs(v));
      let worst = 0;
      for (const [key, ga] of a) {
        const gb = b.get(key)!;
        let diff = 0;
        let size = 0;
        ga.forEach((v, i) => {
          diff = Math.max(diff, Math.abs(v - gb[i]));
          size = Math.max(size, Math.abs(v));
        });
        // relative to the tensor's own gradient (floored at 1e-6 of the model's largest, for
        // the biases whose exact gradient is zero)
        worst = Math.max(worst, diff / Math.max(size, 1e-6 * largest));
      }
      if (process.env.RECOMPUTE_REPORT) console.log(`worst relative gradient difference ${worst}`);
      expect(worst).toBeLessThanOrEqual(1e-5);
    } finally {
      await backend.disposeAll();
    }
  }, 120_000);
});

describe('recomputation in a training run', () => {
  it('trains to the same parameters with dropout; under mixed precision it recomputes float16 blocks or says why not', async () => {
    const backend = new OnnxBackend({ providers: ['cpu'], graphOptimizationLevel: 'basic' });
    try {
      const weights = randomWeights(tinyConfig, 8);
      const run = async (recompute: boolean) => {
        const trainer = await Trainer.create({ backend, config: tinyConfig, weights, pairs: syntheticAlbum(), settings: { batchSize: 2, learningRate: 1e-3, seed: 4, imageSize: size, recompute } });
        expect(trainer.graph.dropout.length).toBeGreaterThan(0);
        for (let i = 0; i < 3; i++) await trainer.step();
        return await trainer.trainedParameters();
      };
      const a = await run(false);
      const b = await run(true);
      let worst = 0;
      for (const [key, t] of a) {
        const x = Array.from(t.data as ArrayLike<number | bigint>, Number);
        const y = Array.from(b.get(key)!.data as ArrayLike<number | bigint>, Number);
        x.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - y[i]))));
      }
      expect(worst).toBeLessThan(1e-6);
    } finally {
      await backend.disposeAll();
    }
    // under mixed precision the blocks are found once nn/float16.ts keeps node names; until then it says so
    const mixed = () => buildTrainStep({ config: tinyConfig, stateDict: randomWeights(tinyConfig, 8), batch: 2, imageSize: size, precision: 'mixed-float16', recompute: true });
    let graph;
    try {
      graph = mixed().graph;
    } catch (error) {
      expect((error as Error).message).toMatch(/float16 conversion does not keep node names/);
    }
    if (graph) expect(graph.nodes.some((n) => n.name.includes('recompute/') && n.opType === 'Conv' && n.outputs[0].dtype === 'float16')).toBe(true);
  }, 120_000);
});
