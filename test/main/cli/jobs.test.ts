import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { JobInfo } from '../../../src/common/contract';
import { Backend } from '../../../src/main/app/backend';
import { followJob } from '../../../src/main/cli/jobs';
import { tempDir, writeImage } from '../library/fixtures';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('followJob (the CLI commands waiting for their job)', () => {
  it('reports the running job\'s progress, holds signal handlers only while waiting, returns the final state', async () => {
    const backend = new Backend({ mode: 'serve', dataDir: join(tmp.dir, 'data'), workerScript: 'inline' });
    await backend.createProject(join(tmp.dir, 'p'), 'P');
    const open = backend.require();
    const album = open.library.createAlbum('A');
    const paths = [join(tmp.dir, 'a.jpg'), join(tmp.dir, 'b.jpg')];
    for (const [i, path] of paths.entries()) await writeImage(path, { seed: 40 + i });

    const signals = () => [process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')];
    const before = signals();
    const progress: JobInfo[] = [];
    const jobId = open.jobs.start('import', { albumId: album.id, paths }).id;
    const waiting = followJob(backend, jobId, { onProgress: (job) => progress.push(job), onSignal: () => void open.jobs.close() });
    expect(signals()).toEqual(before.map((n) => n + 1));
    const info = await waiting;
    expect(signals()).toEqual(before);
    expect(info).toMatchObject({ id: jobId, state: 'done' });
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every((job) => job.id === jobId && job.state === 'running' && job.message)).toBe(true);

    // Without onSignal the signals are left alone.
    const quiet = open.jobs.start('import', { albumId: album.id, paths: [paths[1]] }).id;
    const waitingQuietly = followJob(backend, quiet);
    expect(signals()).toEqual(before);
    expect((await waitingQuietly).state).toBe('done');
    await backend.close();
  });
});
