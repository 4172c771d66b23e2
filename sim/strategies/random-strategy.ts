/**
 * Random exploration with fast-check. A schedule is a fast-check value: an array of small integers, each read
 * as a choice among the actors that can step at that moment (run-schedule.ts `runChoices`). fast-check draws
 * them from the seed and, on a failure, shrinks the array, so the counterexample reported is a minimal
 * schedule of this form.
 */
import fc from 'fast-check';
import type { ScenarioModel } from '../../spec/scenario-model.js';
import type { Property } from '../../properties/property.js';
import { runChoices } from '../run-schedule.js';
import type { ScheduleRun } from '../verdict.js';

export interface RandomOptions {
  readonly runs: number;
  readonly seed: number;
  /** Longest choice array generated; past it the lowest enabled actor goes on. */
  readonly maxChoices?: number;
}

export interface SearchResult {
  /** The failing run (shrunk, for the random strategy), or null when every schedule held. */
  readonly failure: ScheduleRun | null;
  /** Schedules tried until the first failure (or all of them). */
  readonly schedules: number;
  /** Schedules fast-check tried while shrinking. */
  readonly shrinks: number;
  /** Runs in which each notable tag was seen at least once. */
  readonly notable: Readonly<Record<string, number>>;
}

export function exploreRandomly<W, O>(model: ScenarioModel<W, O>, properties: readonly Property<O>[], options: RandomOptions): SearchResult {
  const width = Math.max(2, model.actors.length);
  const choices = fc.array(fc.nat({ max: width - 1 }), { maxLength: options.maxChoices ?? 8 * model.actors.length + 16 });
  const notable: Record<string, number> = {};
  let counting = true;
  const details = fc.check(
    fc.property(choices, (schedule) => {
      const run = runChoices(model, properties, schedule);
      if (counting) for (const tag of run.notable) notable[tag] = (notable[tag] ?? 0) + 1;
      if (run.violation !== null) counting = false; // shrinking runs are not new schedules
      return run.violation === null;
    }),
    { numRuns: options.runs, seed: options.seed, endOnFailure: false },
  );
  const failingChoices = details.counterexample?.[0] ?? null;
  return {
    failure: failingChoices === null ? null : runChoices(model, properties, failingChoices),
    schedules: details.failed ? details.numRuns : options.runs,
    shrinks: details.numShrinks,
    notable,
  };
}
