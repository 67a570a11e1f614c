/** Worker-thread entry (out/main/worker.js): serves the product's worker tasks (see jobs/worker.ts). */
import { serveTasks } from '../jobs/worker';
import { workerTasks } from './workerTasks';

serveTasks(workerTasks);
