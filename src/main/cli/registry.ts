import type { Command } from './command';
import { verifyFixtureCommand } from './commands/verify-fixture';

// Every command module registers here, one import and one array entry each.

export const commands: Command[] = [verifyFixtureCommand];
