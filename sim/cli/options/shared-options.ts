/**
 * Options that mean the same thing in several commands, declared once so that they accept the same values
 * everywhere (a command may pick its own default). Scenario parameters that a free-running command shares
 * with check (barrier's --workers, stale-race's --contenders) come from the scenario's binding instead.
 */
import { JOURNALS, type Journal } from '../../../spec/sqlite/lock-script.js';
import { choice, flag, integer, type ChoiceOption, type IntegerOption } from './option.js';

export const SEED_MIN = -0x80000000;
export const SEED_MAX = 0x7fffffff;

export const jsonOption = flag('print one JSON document on stdout (the lockstep envelope, schemas/) and nothing else there');

export function seedOption(describe: string): IntegerOption;
export function seedOption(describe: string, fallback: number): IntegerOption & { default: number };
export function seedOption(describe: string, fallback?: number): IntegerOption {
  return integer(describe, 'S', SEED_MIN, SEED_MAX, fallback === undefined ? {} : { default: fallback });
}

export function journalOption(describe: string): ChoiceOption<Journal>;
export function journalOption(describe: string, fallback: Journal): ChoiceOption<Journal> & { default: Journal };
export function journalOption(describe: string, fallback?: Journal): ChoiceOption<Journal> {
  return choice(describe, JOURNALS, fallback === undefined ? {} : { default: fallback });
}

/** Runs of a free-running race (barrier, stale-race): real threads or processes, each run a fresh start. */
export function freeRunsOption(fallback: number) {
  return integer('runs of the race, each from a fresh start', 'N', 1, 100_000, { default: fallback });
}
