import type { Command } from './command';
import { albumCreateCommand, albumListCommand } from './commands/album';
import { flameCommand, flameDemoHeadCommand } from './commands/flame';
import { importCommand } from './commands/import';
import { inspectCheckpointCommand } from './commands/inspectCheckpoint';
import { modelImportCommand, modelListCommand } from './commands/model';
import { projectCreateCommand, projectInfoCommand } from './commands/project';
import { serveCommand } from './commands/serve';
import { verifyFixtureCommand } from './commands/verifyFixture';
import { detectCommand } from './commands/detect';
import { estimateCommand } from './commands/estimate';
import { finetuneCommand } from './commands/finetune';
import { trainBaseCommand } from './commands/trainBase';
import { transferCommand } from './commands/transfer';
import { exportHeadCommand } from './commands/exportHead';
import { photoInfoCommand, photoListCommand } from './commands/photo';
import { demoCreateCommand, demoDatasetCommand } from './commands/demo';
import { datasetExportCommand, datasetImportCommand, datasetListCommand } from './commands/dataset';

// Every command module registers here, one import and one array entry each.

export const commands: Command[] = [
  verifyFixtureCommand,
  serveCommand,
  projectCreateCommand,
  projectInfoCommand,
  albumCreateCommand,
  albumListCommand,
  importCommand,
  inspectCheckpointCommand,
  modelImportCommand,
  modelListCommand,
  flameCommand,
  flameDemoHeadCommand,
  detectCommand,
  estimateCommand,
  finetuneCommand,
  trainBaseCommand,
  transferCommand,
  exportHeadCommand,
  photoListCommand,
  photoInfoCommand,
  demoCreateCommand,
  demoDatasetCommand,
  datasetExportCommand,
  datasetImportCommand,
  datasetListCommand,
];
