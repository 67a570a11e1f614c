import type { AnyEvent } from './events';
import type { Client, Handlers } from './channel';
import { editContract } from './edit';
import { estimateContract } from './estimate';
import { jobsContract } from './jobs';
import { libraryContract } from './library';
import { flameContract } from './flame';
import { viewportContract } from './viewport';
import { modelsContract } from './models';
import { trainContract } from './train';
import { trainBaseContract } from './trainBase';
import { exportContract } from './export';
import { datasetContract } from './dataset';

/**
 * The one API between UI and backend. Each domain declares its channels in its own file;
 * this is the union. Adding a channel here without a handler fails `tsc` (see
 * src/main/api/handlers.ts and its compile-time test).
 */
export const contract = {
  ...libraryContract,
  ...jobsContract,
  ...editContract,
  ...viewportContract,
  ...flameContract,
  ...modelsContract,
  ...estimateContract,
  ...trainContract,
  ...trainBaseContract,
  ...exportContract,
  ...datasetContract,
} as const;

export type Contract = typeof contract;
export type ChannelName = keyof Contract;
export type ApiHandlers = Handlers<Contract>;
export type Api = Client<Contract>;
export type { AnyEvent };
export * from './channel';
export * from './dataset';
export * from './edit';
export * from './estimate';
export * from './events';
export * from './export';
export * from './flame';
export * from './jobs';
export * from './library';
export * from './models';
export * from './train';
export * from './trainBase';
export * from './transport';
