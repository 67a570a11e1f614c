import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createHandlers } from '../../../src/main/api/handlers';
import { Backend } from '../../../src/main/app/backend';
import { ModelRegistry } from '../../../src/main/models/registry';
import { type RunningServer, startServer } from '../../../src/main/server/server';
import { builtEngine, builtWorker, ensureBuilt } from '../cli/built';
import { tinyConfig, writeSyntheticFaces, writeTinyCheckpoint } from '../../helpers/editFixture';
import { tempDir } from '../library/fixtures';
import { latencyProbe, percentile } from './latency';
import { EstimateStore } from '../../../src/main/estimate/store';

// The serve API stays responsive while an edit (sampling) job and a fine-tuning job run: the
// real server, the real job runner, the real compute host (out/main/engine.js), a tiny model at
// 64 px. The same workload with the engine in process (engineScript 'inline': sessions on the
// server's own thread, which is what the code did before the compute host) is measured as the
// control and must miss the bound: so the bound is not met by a workload too light to matter.
// One intra-op thread per session leaves the second core of a 2-core CI machine to the server
// thread: what is measured is whether the server's thread is blocked, not CPU starvation of the
// machine (other processes share it; the bound is on the pings, the timer probe is reported).
const size = 64;
const tmp = tempDir('rig-engine-responsive-');
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  tmp.cleanup();
});

async function serveWith(engineScript: string): Promise<{ backend: Backend; server: RunningServer; ping: () => Promise<number> }> {
  const root = join(tmp.dir, engineScript === 'inline' ? 'inline' : 'host');
  const rendererDir = join(root, 'renderer');
  mkdirSync(rendererDir, { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Rig Studio</title>');
  const backend = new Backend({ mode: 'serve', dataDir: join(root, 'data'), workerScript: builtWorker, engineScript, engineOptions: { backend: { providers: ['cpu'], intraOpThreads: 1 }, trainBackend: { providers: ['cpu'], intraOpThreads: 1, graphOptimizationLevel: 'basic' } } });
  const server = await startServer({ backend, handlers: createHandlers(backend), port: 0, rendererDir });
  cleanups.push(async () => {
    await server.close();
    await backend.close();
  });
  const ping = () =>
    new Promise<number>((resolve, reject) => {
      const started = performance.now();
      // a fresh connection per ping: a kept-alive socket can be closed by the server just as it is reused after a long block (ECONNRESET)
      const req = request({ agent: false, host: '127.0.0.1', port: server.port, method: 'POST', path: '/api/call/app.info', headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' } }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve(performance.now() - started) : reject(new Error(`app.info answered ${res.statusCode}`))));
      });
      req.on('error', reject);
      req.end('[]');
    });
  return { backend, server, ping };
}

/** A project with two photos (synthetic estimates) and the tiny model, an edit job and a fine-tuning job started; pings until both end. */
async function measure(engineScript: string) {
  const { backend, ping } = await serveWith(engineScript);
  await ping(); // the server is up
  const root = join(tmp.dir, `${engineScript === 'inline' ? 'inline' : 'host'}-project`);
  await backend.createProject(root, 'Responsive');
  const open = backend.require();
  const albumId = open.library.createAlbum('Person').id;
  const faces = await writeSyntheticFaces(tmp.dir, 2, size);
  await open.jobs.wait(open.jobs.start('import', { albumId, paths: faces.map((f) => f.path) }).id);
  const photos = open.library.listPhotos(albumId, 0, 10).items;
  const estimates = new EstimateStore(open.project.db);
  photos.forEach((p, k) => estimates.saveCodes(p.id, { name: 'synthetic', version: '1' }, faces[k].codes));
  const file = writeTinyCheckpoint(root);
  const modelId = new ModelRegistry(open.project.db).add({
    name: 'tiny', kind: 'base', sourcePath: file, filePath: file, format: 'safetensors',
    sha256: createHash('sha256').update(readFileSync(file)).digest('hex'), sizeBytes: statSync(file).size,
    config: tinyConfig, parameterCount: 0, baseModelId: null, lineage: null,
  }).model.id;

  const probe = latencyProbe();
  const pings: number[] = [];
  const edit = open.jobs.start('edit', { modelId, sourcePhotoIds: [photos[0].id], targetPhotoIds: [photos[1].id], modes: ['exp'], sampler: { steps: 12, eta: 0, seed: 1, clip: true, inversion: true }, imageSize: size, batchSize: 1, scores: true });
  const train = open.jobs.start('finetune', { albumId, modelId, steps: 6, batchSize: 2, learningRate: 1e-4, seed: 2, checkpointInterval: 3, imageSize: size });
  let finished = false;
  const ended = Promise.all([open.jobs.wait(edit.id), open.jobs.wait(train.id)]).finally(() => (finished = true));
  const started = performance.now();
  while (!finished) {
    pings.push(await ping());
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const [editJob, trainJob] = await ended;
  const lag = probe.stop();
  return { editJob, trainJob, pings, lag, seconds: (performance.now() - started) / 1000, status: backend.engine.status() };
}

describe('the serve API while sampling and training run', () => {
  it('answers a ping with p99 ≤ 50 ms with the compute host; the same work in process does not', async () => {
    ensureBuilt();
    const host = await measure(builtEngine);
    expect(host.editJob.state, host.editJob.message).toBe('done');
    expect(host.trainJob.state, host.trainJob.message).toBe('done');
    const inline = await measure('inline');
    expect(inline.editJob.state, inline.editJob.message).toBe('done');
    expect(inline.trainJob.state, inline.trainJob.message).toBe('done');
    const report = (name: string, m: typeof host) =>
      `${name}: ${m.pings.length} pings over ${m.seconds.toFixed(1)} s, ping p50 ${percentile(m.pings, 0.5).toFixed(1)} ms p99 ${percentile(m.pings, 0.99).toFixed(1)} ms max ${Math.max(...m.pings).toFixed(1)} ms; event-loop lag p99 ${percentile(m.lag, 0.99).toFixed(1)} ms max ${Math.max(...m.lag).toFixed(1)} ms`;
    console.log(`${report('compute host', host)}\n${report('in process', inline)}`);
    expect(host.status.mode).toBe('worker');
    expect(host.pings.length).toBeGreaterThan(20);
    expect(percentile(host.pings, 0.99)).toBeLessThanOrEqual(50);
    // the control: with sessions on the server's thread the same work blocks it far beyond the bound
    expect(percentile(inline.lag, 0.99)).toBeGreaterThan(50);
    expect(Math.max(...inline.pings)).toBeGreaterThan(50);
  }, 600_000);
});
