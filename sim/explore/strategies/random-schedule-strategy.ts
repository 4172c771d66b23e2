/**
 * Random exploration of user code with fast-check: a schedule is an array of small integers, each read as a
 * choice among the actors that can step at that moment (past its end the lowest enabled actor goes on).
 * fast-check draws the arrays from the seed and, on a failure, shrinks the array, so the reported failure is a
 * minimal schedule of this form. A fault (an actor that never comes back, a check that throws) ends the search
 * at once and is rethrown.
 */
import fc from 'fast-check';
import type { Chooser, RunReport, SearchControl, SearchResult, SearchTarget, Strategy } from '../../strategies/strategy.js';

export interface RandomScheduleOptions {
  readonly runs?: number;
  readonly seed?: number;
  /** Longest choice array (default 64). */
  readonly maxChoices?: number;
}

/** Reads a choice array as a schedule: choice i picks enabled[choices[i] mod |enabled|]. */
export function choicesChooser(choices: readonly number[]): Chooser {
  return { next: (enabled, index) => enabled[(choices[index] ?? 0) % enabled.length]! };
}

/** The fast-check arbitrary of choice arrays: what explore()'s random strategy draws, and what a user's fc.assert can draw. */
export function scheduleChoices(maxChoices = 64): fc.Arbitrary<number[]> {
  return fc.array(fc.nat({ max: 255 }), { maxLength: maxChoices });
}

export class RandomScheduleStrategy implements Strategy {
  readonly name = 'random' as const;
  readonly runs: number;
  readonly seed: number;
  readonly maxChoices: number;

  constructor(options: RandomScheduleOptions = {}) {
    this.runs = options.runs ?? 200;
    this.seed = options.seed ?? 1;
    this.maxChoices = options.maxChoices ?? 64;
    if (!Number.isInteger(this.runs) || this.runs < 1) throw new RangeError(`runs must be a positive integer, got ${String(options.runs)}`);
    if (!Number.isInteger(this.seed)) throw new RangeError(`seed must be an integer, got ${String(options.seed)}`);
  }

  describe(): string {
    return `random (fast-check, shrunk), ${this.runs} runs, seed ${this.seed}`;
  }

  options(): Readonly<Record<string, number>> {
    return { runs: this.runs, seed: this.seed, maxChoices: this.maxChoices };
  }

  async search(target: SearchTarget, control?: SearchControl): Promise<SearchResult> {
    let fault: unknown = null;
    let stopped: SearchResult['stopped'] = null;
    let schedules = 0;
    let counting = true;
    const details = await fc.check(
      fc.asyncProperty(scheduleChoices(this.maxChoices), async (choices) => {
        if (fault !== null || stopped !== null) return true;
        stopped = control?.shouldStop?.() ?? null;
        if (stopped !== null) return true;
        let report: RunReport;
        try {
          report = await target.runs.run(choicesChooser(choices));
        } catch (error) {
          fault = error;
          return true;
        }
        if (counting) schedules++;
        if (report.violation !== null) counting = false;
        control?.progress?.({ schedules });
        return report.violation === null;
      }),
      { numRuns: this.runs, seed: this.seed },
    );
    if (fault !== null) throw fault;
    const choices = details.counterexample?.[0] ?? null;
    const failure = choices === null ? null : await target.runs.run(choicesChooser(choices));
    const verdict = failure !== null && failure.violation !== null ? 'violation' : stopped !== null ? 'inconclusive' : 'holds';
    return { verdict, failure: verdict === 'violation' ? failure : null, schedules, shrinks: details.numShrinks, notable: {}, limit: null, stopped };
  }
}
