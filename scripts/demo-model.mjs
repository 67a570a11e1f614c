// `npm run demo-model`: trains the Demo base model that ships in resources/demo-model/ the way
// it was trained, on the CPU provider, with nothing but the app's own CLI:
//   1. `rig-studio project create`, then `rig-studio demo dataset` renders the training photos
//      (demo head, codes drawn across wide ranges, exact codes imported as estimates),
//   2. `rig-studio train-base` trains a fresh DiffusionRig model on them (stage 1),
//   3. the registered model file is copied to OUT/demo-base-model.safetensors and the recipe
//      (exact commands, seed, steps, final loss, loss curve, training time, machine) to
//      OUT/recipe.json.
// The recipe's numbers live in recipe() below and nowhere else: the shipped recipe.json, this
// script and the determinism test (test/main/train/demoModel.test.ts) all read them from here.
//
// Options: --out DIR (default resources/demo-model), --work DIR (dataset + project; default a
// temporary folder, kept when given so that a second run reuses the rendered dataset),
// --steps N (train only the first N steps of the recipe: the determinism test), --resume JOB
// (continue a stopped train-base job of the last project in --work: it resumes exactly, so the
// result is the uninterrupted run's).
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The Demo base model's recipe: the dataset and the stage-1 run (see README, "The Demo base model"). */
export function recipe() {
  return {
    dataset: { count: 1000, size: 128, seed: 12 },
    train: {
      imageSize: 64,
      channels: 32,
      channelMult: '1,2,2,2',
      resBlocks: 1,
      attention: '16',
      heads: 1,
      dropout: 0,
      encoder: 'resnet10-w16',
      latentDim: 64,
      steps: 2000,
      batchSize: 8,
      lr: 2e-4,
      seed: 0,
      checkpointInterval: 250,
    },
  };
}

/** The CLI argument lists of the recipe (with `steps` replaced when given). */
export function recipeCommands(project, dataset, steps) {
  const r = recipe();
  const t = { ...r.train, steps: steps ?? r.train.steps };
  return [
    ['project', 'create', project],
    ['demo', 'dataset', '--out', dataset, '--count', String(r.dataset.count), '--size', String(r.dataset.size), '--seed', String(r.dataset.seed), '--project', project, '--album', 'demo-train', '--create-album'],
    [
      'train-base', '--project', project, '--album', '1', '--image-size', String(t.imageSize), '--channels', String(t.channels), '--channel-mult', t.channelMult,
      '--res-blocks', String(t.resBlocks), '--attention', t.attention, '--heads', String(t.heads), '--dropout', String(t.dropout), '--encoder', t.encoder,
      '--latent-dim', String(t.latentDim), '--steps', String(t.steps), '--batch-size', String(t.batchSize), '--lr', String(t.lr), '--seed', String(t.seed),
      '--checkpoint-interval', String(t.checkpointInterval), '--name', 'Demo base model', '--json',
    ],
  ];
}

/** Seconds between a job's first start and its end, from the project's job log (null if unreadable). */
function jobSeconds(project, jobId) {
  try {
    const require = createRequire(import.meta.url);
    const Database = require('better-sqlite3');
    const db = new Database(join(project, 'project.sqlite'), { readonly: true });
    try {
      const rows = db.prepare('SELECT at, text FROM jobLogs WHERE jobId = ? ORDER BY id').all(jobId);
      // training time: the sum of each attempt's span from 'started' to its last log line
      let total = 0, begin = null, last = null;
      for (const r of rows) {
        const t = Date.parse(r.at);
        if (r.text === 'started') {
          if (begin !== null && last !== null) total += last - begin;
          begin = t;
        }
        last = t;
      }
      if (begin !== null && last !== null) total += last - begin;
      return rows.length ? total / 1000 : null;
    } finally {
      db.close();
    }
  } catch {
    return null;
  }
}

function runCli(args, env) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [join(root, 'bin', 'rig-studio.js'), ...args], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    const stop = () => child.kill('SIGINT');
    process.on('SIGINT', stop);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', stop);
      if (code === 0) resolvePromise(stdout);
      else reject(new Error(`rig-studio ${args.slice(0, 2).join(' ')} ${signal ? `was killed by ${signal}` : `exited with ${code}`}${stdout ? `:\n${stdout.slice(-2000)}` : ''}`));
    });
  });
}

async function main() {
  const { values } = parseArgs({ options: { out: { type: 'string' }, work: { type: 'string' }, steps: { type: 'string' }, resume: { type: 'string' } } });
  const out = resolve(values.out ?? join(root, 'resources', 'demo-model'));
  const work = resolve(values.work ?? mkdtempSync(join(tmpdir(), 'rig-demo-model-')));
  const steps = values.steps === undefined ? undefined : Number(values.steps);
  if (steps !== undefined && !(Number.isInteger(steps) && steps > 0)) throw new Error(`--steps must be a positive integer, got '${values.steps}'`);
  if (!existsSync(join(root, 'out', 'main', 'cli.js'))) throw new Error('the app is not built: run `npm run build` first');
  mkdirSync(work, { recursive: true });
  mkdirSync(out, { recursive: true });
  // one project per run (the dataset folder is reused: rendering it again finishes or skips it)
  let n = 1;
  while (existsSync(join(work, `project-${n}`))) n++;
  if (values.resume !== undefined) n--; // the run to continue is in the last project
  if (n < 1) throw new Error(`--resume: no project in ${work}`);
  const project = join(work, `project-${n}`);
  const dataset = join(work, 'dataset');
  // the CPU provider (the recipe's numbers are the CPU's)
  const env = { ...process.env, RIG_STUDIO_PROVIDERS: 'cpu', RIG_STUDIO_DATA_DIR: join(work, 'data') };
  const commands = recipeCommands(project, dataset, steps);
  if (values.resume === undefined) {
    for (const args of commands.slice(0, 2)) {
      console.error(`demo-model: rig-studio ${args.join(' ')}`);
      await runCli(args, env);
    }
  }
  const train = values.resume === undefined ? commands[2] : ['train-base', '--project', project, '--resume', values.resume, '--json'];
  console.error(`demo-model: rig-studio ${train.join(' ')}`);
  const started = performance.now();
  const result = JSON.parse(await runCli(train, env));
  // the job's own start and end: a resumed run counts its time before the stop too
  const seconds = jobSeconds(project, result.jobId) ?? (performance.now() - started) / 1000;
  const model = join(out, 'demo-base-model.safetensors');
  copyFileSync(result.model.filePath, `${model}.partial`);
  renameSync(`${model}.partial`, model);
  const shown = (args) => ['rig-studio', ...args.map((a) => (a === project ? 'PROJECT' : a === dataset ? 'DATASET' : a))].join(' ');
  const written = {
    name: 'Demo base model',
    what: 'A DiffusionRig base model (stage 1) trained by Rig Studio itself on renders of its own demo head (not FLAME, not real people). For the demo: it knows the demo head only.',
    commands: commands.map(shown),
    reproduce: 'npm run build && npm run demo-model (CPU provider; about as long as trainingSeconds on a 2-core machine)',
    ...recipe(),
    steps: result.step,
    finalLoss: result.loss,
    lossCurve: result.lossCurve,
    trainingSeconds: Math.round(seconds),
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version, onnxruntime: JSON.parse(readFileSync(join(root, 'node_modules', 'onnxruntime-node', 'package.json'), 'utf8')).version },
    file: 'demo-base-model.safetensors',
    sizeBytes: readFileSync(model).byteLength,
    ...(values.resume !== undefined ? { resumed: `job ${values.resume} was stopped and resumed (resuming is exact: the same parameters as one uninterrupted run)` } : {}),
  };
  writeFileSync(join(out, 'recipe.json'), `${JSON.stringify(written, null, 2)}\n`);
  console.error(`demo-model: ${result.step} steps in ${Math.round(seconds)} s, final loss ${result.loss}; wrote ${model} and ${join(out, 'recipe.json')}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(`demo-model: ${error.message}`);
    process.exitCode = 1;
  });
}
