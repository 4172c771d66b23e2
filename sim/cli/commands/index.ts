/** The registry of subcommands; each lives in a file named after it. */
import type { Command } from './command.js';
import { conformCommand } from './conform.js';
import { predictCommand } from './predict.js';
import { runCommand } from './run.js';
import { barrierCommand } from './barrier.js';
import { benchCommand } from './bench.js';
import { checkCommand } from './check.js';
import { listCommand } from './list.js';
import { replayCommand } from './replay.js';
import { docsCommand } from './docs.js';
import { exploreCommand } from './explore.js';
import { staleRaceCommand } from './stale-race.js';

export const COMMANDS: readonly Command[] = [
  listCommand,
  checkCommand,
  replayCommand,
  exploreCommand,
  predictCommand,
  runCommand,
  conformCommand,
  barrierCommand,
  staleRaceCommand,
  benchCommand,
  docsCommand,
];
