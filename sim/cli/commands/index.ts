/** The registry of subcommands; each lives in a file named after it. */
import type { Command } from './command.js';
import { conformCommand } from './conform.js';
import { predictCommand } from './predict.js';
import { runCommand } from './run.js';

export const COMMANDS: readonly Command[] = [predictCommand, runCommand, conformCommand];
