/** The registry of subcommands; each lives in a file named after it. */
import type { Command } from './command.js';

export const COMMANDS: readonly Command[] = [];
