import { basename, resolve } from 'node:path';
import type { ProjectInfo } from '../../../common/contract';
import { Backend } from '../../app/backend';
import type { CliIo, Command } from '../command';
import { UsageError } from '../command';

/**
 * Opens the project in `dir` for one command and closes it after (jobs left running become
 * 'interrupted', resumable). Shared by the project, album and import commands.
 */
export async function withProject<T>(dir: unknown, work: (backend: Backend) => Promise<T>): Promise<T> {
  if (typeof dir !== 'string' || !dir) throw new UsageError('--project DIR is required');
  const backend = new Backend({ mode: 'serve' });
  try {
    await backend.open(dir);
    return await work(backend);
  } finally {
    await backend.close();
  }
}

function describeProject(info: ProjectInfo): string {
  return [
    `${info.name}`,
    `  folder:  ${info.dir}`,
    `  schema:  version ${info.schemaVersion}`,
    `  albums:  ${info.albumCount}`,
    `  photos:  ${info.photoCount}`,
    `  created: ${info.createdAt}`,
  ].join('\n');
}

export const projectCreateCommand: Command = {
  name: ['project', 'create'],
  summary: 'Create a project folder (project.sqlite + blobs/ + thumbs/ + derived/ + tmp/). DIR must be new or empty.',
  usage: 'DIR [--name NAME] [--json]',
  options: { name: { type: 'string' }, json: { type: 'boolean' } },
  async run({ values, positionals }, io: CliIo) {
    if (positionals.length !== 1) throw new UsageError('give exactly one project folder');
    const dir = resolve(positionals[0]);
    const backend = new Backend({ mode: 'serve' });
    try {
      const info = await backend.createProject(dir, (values.name as string | undefined) ?? basename(dir));
      io.out(values.json ? JSON.stringify(info, null, 2) : `created project ${describeProject(info)}`);
      return 0;
    } finally {
      await backend.close();
    }
  },
};

export const projectInfoCommand: Command = {
  name: ['project', 'info'],
  summary: 'Show a project: name, schema version, album and photo counts, and its jobs.',
  usage: 'DIR [--json]',
  options: { json: { type: 'boolean' } },
  async run({ values, positionals }, io: CliIo) {
    if (positionals.length !== 1) throw new UsageError('give exactly one project folder');
    return withProject(positionals[0], async (backend) => {
      const open = backend.require();
      const info = open.project.info();
      const jobs = open.jobs.list(20);
      if (values.json) {
        io.out(JSON.stringify({ ...info, albums: open.library.listAlbums(), jobs }, null, 2));
        return 0;
      }
      io.out(describeProject(info));
      for (const j of jobs) io.out(`  job ${j.id}: ${j.kind} ${j.state} — ${j.message}`);
      return 0;
    });
  },
};
