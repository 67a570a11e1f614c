import { resolve } from 'node:path';
import type { ImportResult, JobInfo } from '../../../common/contract';
import type { CliIo, Command } from '../command';
import { UsageError } from '../command';
import { albumIdFromFlags } from '../albums';
import { followJob } from '../jobs';
import { withProject } from './project';

/** Exit code when the import finished but some files could not be imported. */
export const exitSomeFilesFailed = 3;

function progressLine(job: JobInfo): string {
  const pct = job.progress === null ? '' : `${Math.floor(job.progress * 100)}% `;
  const eta = job.etaSeconds === null ? '' : `, ETA ${job.etaSeconds}s`;
  return `import: ${pct}${job.message}${eta}`;
}

export const importCommand: Command = {
  name: ['import'],
  summary:
    'Import photos (files or folders, recursively) into an album: JPEG, PNG, WebP, TIFF, AVIF. Duplicates and bad files are reported per file. ' +
    `Progress goes to stderr. Exit 0 when every file was imported or was a duplicate, ${exitSomeFilesFailed} when some files failed, 1 when the import did not finish (resume it with --resume JOB).`,
  usage: '--project DIR (--album NAME [--create-album] | --album-id N) [--json] PATH...\nrig-studio import --project DIR --resume JOB [--json]',
  options: {
    project: { type: 'string' },
    album: { type: 'string' },
    'album-id': { type: 'string' },
    'create-album': { type: 'boolean' },
    resume: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run({ values, positionals }, io: CliIo) {
    const resuming = values.resume !== undefined;
    if (resuming && positionals.length > 0) throw new UsageError('--resume continues an earlier import; give no paths with it');
    if (!resuming && positionals.length === 0) throw new UsageError('give at least one file or folder to import');
    return withProject(values.project, async (backend) => {
      const open = backend.require();
      let jobId: number;
      if (resuming) {
        jobId = Number(values.resume);
        if (!Number.isInteger(jobId) || jobId <= 0) throw new UsageError('--resume needs a job number');
        if (open.jobs.get(jobId).kind !== 'import') throw new Error(`job ${jobId} is not an import`);
        open.jobs.resume(jobId);
      } else {
        const albumId = albumIdFromFlags(open, values, { canCreate: true });
        jobId = open.jobs.start('import', { albumId, paths: positionals.map((p) => resolve(p)) }).id;
      }

      const tty = process.stderr.isTTY === true;
      let lastPrinted = 0;
      const onProgress = (job: JobInfo) => {
        const t = Date.now();
        if (!tty && t - lastPrinted < 1000) return;
        lastPrinted = t;
        if (tty) process.stderr.write(`\r${progressLine(job)}\x1b[K`);
        else io.err(progressLine(job));
      };
      let info: JobInfo;
      try {
        // Ctrl-C / kill: stop cleanly, leaving the job 'interrupted' and resumable.
        info = await followJob(backend, jobId, { onProgress, onSignal: () => void open.jobs.close() });
      } finally {
        if (tty) process.stderr.write('\n');
      }
      const result = info.result as ImportResult | null;
      const summary = { jobId, state: info.state, message: info.message, ...(result ?? {}) };
      if (values.json) io.out(JSON.stringify(summary, null, 2));
      else {
        io.out(`job ${jobId} ${info.state}: ${info.message}`);
        for (const e of result?.errors ?? []) io.out(`  failed     ${e.fileName}: ${e.reason}  (${e.path})`);
        for (const d of result?.duplicateFiles ?? []) io.out(`  duplicate  ${d.fileName}: same content as photo ${d.photoId}`);
      }
      if (info.state !== 'done') {
        io.err(`the import did not finish (${info.state}); continue it with: rig-studio import --project ${open.project.dir} --resume ${jobId}`);
        return 1;
      }
      return result && result.failed > 0 ? exitSomeFilesFailed : 0;
    });
  },
};
