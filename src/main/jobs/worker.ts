// Worker-thread entry for CPU-heavy job steps (filled in by the jobs module).
import { parentPort } from 'node:worker_threads';

parentPort?.on('message', () => undefined);
