import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../../src/main/nn/builder';
import { serializeGraph } from '../../../src/main/nn/serialize';
import { appendAdamStep, hostAdamStep, upstreamAdam, type AdamConfig } from '../../../src/main/train/adam';

/** torch.nn.utils.clip_grad_norm_ + torch.optim.Adam (1.13), in float64, as the reference. */
function referenceStep(params: number[][], grads: number[][], m: number[][], v: number[][], step: number, lr: number, c: AdamConfig) {
  const norm = Math.sqrt(grads.flat().reduce((s, g) => s + g * g, 0));
  const coefficient = Math.min(1, c.maxGradNorm / (norm + 1e-6));
  const t = step + 1;
  const c1 = 1 - c.beta1 ** t;
  const c2 = 1 - c.beta2 ** t;
  const out = params.map((p, k) =>
    p.map((value, i) => {
      const g = grads[k][i] * coefficient + c.weightDecay * value;
      m[k][i] = c.beta1 * m[k][i] + (1 - c.beta1) * g;
      v[k][i] = c.beta2 * v[k][i] + (1 - c.beta2) * g * g;
      return value - (lr / c1) * (m[k][i] / (Math.sqrt(v[k][i]) / Math.sqrt(c2) + c.eps));
    }),
  );
  return { out, norm };
}

async function graphStep(config: AdamConfig) {
  const b = new GraphBuilder();
  const shapes = [[3, 2], [4]];
  const slots = shapes.map((shape, k) => ({
    param: b.input(`p${k}`, 'float32', shape),
    grad: b.input(`g${k}`, 'float32', shape),
    m: b.input(`m${k}`, 'float32', shape),
    v: b.input(`v${k}`, 'float32', shape),
  }));
  const result = appendAdamStep(b, slots, b.input('step', 'float32', []), b.input('lr', 'float32', []), config);
  b.output(result.gradNorm, 'norm');
  b.output(result.step, 'step.new');
  slots.forEach((_, k) => {
    b.output(result.params[k], `p${k}.new`);
    b.output(result.m[k], `m${k}.new`);
    b.output(result.v[k], `v${k}.new`);
  });
  return { session: await ort.InferenceSession.create(serializeGraph(b.graph)), shapes };
}

/** What each of the 5 steps gives a check: the graph's outputs and torch's float64 reference. */
interface StepView {
  step: number;
  sizes: number[];
  grads: number[][];
  out: Record<string, ort.Tensor>;
  reference: ReturnType<typeof referenceStep>;
}

/** Runs the graph step 5 times from p = sin, zero moments, on gradients scale·cos, calling `check` after each. */
async function fiveSteps(config: AdamConfig, scale: number, check: (view: StepView) => void): Promise<void> {
  const { session, shapes } = await graphStep(config);
  const sizes = shapes.map((s) => s.reduce((a, d) => a * d, 1));
  let params = sizes.map((n, k) => Array.from({ length: n }, (_, i) => Math.fround(Math.sin(i + k))));
  const m = sizes.map((n) => new Array<number>(n).fill(0));
  const v = sizes.map((n) => new Array<number>(n).fill(0));
  const feeds: Record<string, ort.Tensor> = {};
  sizes.forEach((n, k) => {
    feeds[`p${k}`] = new ort.Tensor('float32', Float32Array.from(params[k]), shapes[k]);
    feeds[`m${k}`] = new ort.Tensor('float32', new Float32Array(n), shapes[k]);
    feeds[`v${k}`] = new ort.Tensor('float32', new Float32Array(n), shapes[k]);
  });
  feeds.step = new ort.Tensor('float32', Float32Array.of(0), []);
  feeds.lr = new ort.Tensor('float32', Float32Array.of(1e-3), []);
  for (let step = 0; step < 5; step++) {
    const grads = sizes.map((n, k) => Array.from({ length: n }, (_, i) => Math.fround(scale * Math.cos(3 * i + k + step))));
    sizes.forEach((_, k) => (feeds[`g${k}`] = new ort.Tensor('float32', Float32Array.from(grads[k]), shapes[k])));
    const out = await session.run(feeds);
    const reference = referenceStep(params, grads, m, v, step, 1e-3, config);
    check({ step, sizes, grads, out, reference });
    sizes.forEach((_, k) => {
      feeds[`p${k}`] = out[`p${k}.new`];
      feeds[`m${k}`] = out[`m${k}.new`];
      feeds[`v${k}`] = out[`v${k}.new`];
    });
    feeds.step = out['step.new'];
    params = reference.out;
  }
  await session.release();
}

describe('clip + Adam step graph', () => {
  for (const [label, scale, config] of [
    ['gradients under the clip norm', 0.01, upstreamAdam],
    ['gradients clipped to norm 1, with weight decay', 5, { ...upstreamAdam, weightDecay: 0.01 }],
  ] as const) {
    it(`matches torch's clip_grad_norm_ + Adam over 5 steps: ${label}`, async () => {
      await fiveSteps(config, scale, ({ step, sizes, out, reference }) => {
        expect(Number(out.norm.data[0]) / reference.norm).toBeCloseTo(1, 6);
        expect(Number(out['step.new'].data[0])).toBe(step + 1);
        sizes.forEach((_, k) => {
          const ours = out[`p${k}.new`].data as Float32Array;
          reference.out[k].forEach((r, i) => expect(Math.abs(ours[i] - r)).toBeLessThan(1e-6));
        });
      });
    });
  }
});

describe('clip + Adam on host buffers (the CPU provider\'s optimiser)', () => {
  for (const [label, scale, config] of [
    ['gradients under the clip norm', 0.01, upstreamAdam],
    ['gradients clipped to norm 1, with weight decay', 5, { ...upstreamAdam, weightDecay: 0.01 }],
    ['no clipping', 5, { ...upstreamAdam, maxGradNorm: Infinity }],
  ] as const) {
    it(`equals the graph step bit for bit and torch to 1e-6 over 5 steps: ${label}`, async () => {
      let host: { param: Float32Array; grad: Float32Array; m: Float32Array; v: Float32Array }[] | undefined;
      await fiveSteps(config, scale, ({ step, sizes, grads, out, reference }) => {
        // the host state starts where the graph's does (p = sin, zero moments)
        host ??= sizes.map((n, k) => ({ param: Float32Array.from({ length: n }, (_, i) => Math.fround(Math.sin(i + k))), grad: new Float32Array(n), m: new Float32Array(n), v: new Float32Array(n) }));
        const state = host;
        sizes.forEach((_, k) => state[k].grad.set(grads[k]));
        hostAdamStep(state, step, 1e-3, Number(out.norm.data[0]), config);
        sizes.forEach((_, k) => {
          expect(Array.from(state[k].param)).toEqual(Array.from(out[`p${k}.new`].data as Float32Array));
          expect(Array.from(state[k].m)).toEqual(Array.from(out[`m${k}.new`].data as Float32Array));
          expect(Array.from(state[k].v)).toEqual(Array.from(out[`v${k}.new`].data as Float32Array));
          reference.out[k].forEach((r, i) => expect(Math.abs(state[k].param[i] - r)).toBeLessThan(1e-6));
        });
      });
    });
  }
});
