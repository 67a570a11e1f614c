/** Compute-host entry (out/main/engine.js): serves the product's host tasks on this worker thread (see engine/host.ts). */
import { transferredOutputs } from '../engine/coreTasks';
import { serveHost } from '../engine/host';
import { hostTasks } from './hostTasks';

serveHost(hostTasks, transferredOutputs);
