/**
 * The compute host's request kinds, by name: the layers' own (engine/coreTasks.ts) and each
 * feature's. Put together here, in the composition root, so the engine knows no feature (as the
 * worker pool's table in workerTasks.ts). A feature adds a kind in its own hostTasks.ts and one
 * entry here; it asks for it with `Engine<ItsHostTasks>`.
 */
import type { Engine } from '../engine/client';
import { coreTasks } from '../engine/coreTasks';
import { editHostTasks } from '../edit/hostTasks';
import { estimateHostTasks } from '../estimate/hostTasks';
import { trainHostTasks } from '../train/hostTasks';

export const hostTasks = { ...coreTasks, ...editHostTasks, ...estimateHostTasks, ...trainHostTasks };
export type HostTasks = typeof hostTasks;

/** The product's compute engine: every kind of the host. */
export type AppEngine = Engine<HostTasks>;
