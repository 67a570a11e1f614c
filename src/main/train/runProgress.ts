/**
 * How a training job (finetune, train-base) follows its run in the compute host: each step
 * event becomes the job's progress line and, at most once a second and at the last step, its
 * live result (step, loss, steps/s, the loss curve); checkpoint notices go to the job's log.
 * When the run ends, `finish` gives the written model and the whole curve, or records the
 * partial result and reports the cancel (the run state stays, so the job resumes).
 */
import type { FinetuneEvent, FinetuneOutput, WrittenModel } from './hostTasks';
import type { JobContext } from '../jobs/types';

/** At most `points` (step, mean loss) points over the whole curve. */
export function lossCurve(losses: readonly number[], points = 500): { step: number; loss: number }[] {
  const bucket = Math.max(1, Math.ceil(losses.length / points));
  const out: { step: number; loss: number }[] = [];
  for (let start = 0; start < losses.length; start += bucket) {
    const part = losses.slice(start, start + bucket);
    out.push({ step: start + part.length, loss: part.reduce((a, b) => a + b, 0) / part.length });
  }
  return out;
}

/** The part of a training job's result that follows the run. */
export interface TrainingProgressResult {
  step: number;
  steps: number;
  loss: number | null;
  stepsPerSecond: number | null;
  lossCurve: { step: number; loss: number }[];
}

/** Event handler and end-of-run step for one training job's host request. */
export function followTrainingRun<P>(ctx: JobContext<P>, steps: number): {
  onEvent: (event: FinetuneEvent) => void;
  finish: (run: FinetuneOutput) => { model: WrittenModel; curve: TrainingProgressResult['lossCurve'] };
} {
  const losses: number[] = [];
  let lastReport = 0;
  return {
    onEvent: (e) => {
      if (e.type === 'checkpoint') {
        ctx.log('info', `run state saved at step ${e.step}`);
        return;
      }
      losses.length = e.lossOffset;
      losses.push(...e.losses);
      ctx.progress(e.step / e.steps, `step ${e.step}/${e.steps} · loss ${e.loss.toFixed(4)} · ${e.stepsPerSecond.toFixed(2)} steps/s`);
      const now = Date.now();
      if (now - lastReport > 1000 || e.step === e.steps) {
        lastReport = now;
        ctx.setResult({ step: e.step, steps: e.steps, loss: e.loss, stepsPerSecond: e.stepsPerSecond, lossCurve: lossCurve(losses) } satisfies TrainingProgressResult);
      }
    },
    finish: (run) => {
      const curve = lossCurve(run.losses);
      if (run.status === 'cancelled' || !run.model) {
        ctx.setResult({ step: run.step, steps, loss: run.losses.at(-1) ?? null, stepsPerSecond: null, lossCurve: curve } satisfies TrainingProgressResult);
        throw new Error(`cancelled at step ${run.step}; resume to continue`);
      }
      return { model: run.model, curve };
    },
  };
}
