// A job that is live in another process, as the job runner leaves it in the shared database:
// a 'running' row owned by this process with a heartbeat refreshed every 200 ms, and scratch
// files in the job's own tmp folder. Prints {"jobId": N} once set up; runs until killed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

const [database, tmp] = process.argv.slice(2);
const db = new Database(database);
db.pragma('busy_timeout = 5000');
const now = () => new Date().toISOString();
const jobId = Number(
  db
    .prepare("INSERT INTO jobs (kind, title, state, params, createdAt, ownerPid, heartbeatAt, startedAt, attempts) VALUES ('import', 'Import (other process)', 'running', '{\"albumId\":1,\"paths\":[\"/x\"]}', @t, @pid, @t, @t, 1)")
    .run({ t: now(), pid: process.pid }).lastInsertRowid,
);
const dir = join(tmp, 'jobs', String(jobId));
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'abc.partial'), 'being written');
setInterval(() => db.prepare('UPDATE jobs SET heartbeatAt = @t WHERE id = @id').run({ t: now(), id: jobId }), 200);
process.stdout.write(JSON.stringify({ jobId }) + '\n');
