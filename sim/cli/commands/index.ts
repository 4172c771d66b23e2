/**
 * The registry of commands, in the order `lockstep help` lists them; each lives in a file named after it and is
 * declared with defineCommand (../options/command.ts). A new command is its file plus one line here.
 */
import type { Command } from '../options/command.js';
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
import { viewCommand } from './view.js';

export const COMMANDS: readonly Command[] = [
  listCommand,
  checkCommand,
  replayCommand,
  viewCommand,
  exploreCommand,
  predictCommand,
  runCommand,
  conformCommand,
  barrierCommand,
  staleRaceCommand,
  benchCommand,
  docsCommand,
];
