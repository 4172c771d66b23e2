/**
 * Exhaustive exploration of code that has no model (explore() on user code): a stateless depth-first search
 * over schedules, one real run per schedule, with sleep sets (Godefroid 1996) as the reduction: after the
 * schedules that take actor `a` first at some point have been explored, `a` is put to sleep in the sibling
 * branches and stays asleep until a step dependent on its next step is taken, because taking `a` there would only
 * reorder independent steps of a schedule already explored. Independence comes from footprints (what a step
 * reads and writes: sim/explore/user-run-target.ts). A run whose every enabled actor is asleep stops there.
 *
 * Every Mazurkiewicz trace (class of schedules equal up to swapping adjacent independent steps) keeps at least one
 * representative, and equivalent schedules have equal length, so the shortest failing schedule found is a
 * shortest one. The bound is the number of runs (`maxSchedules`); reaching it is `inconclusive`.
 *
 * It needs `pending` footprints from the target (PendingFootprints); without them every step is dependent and
 * the search is plain depth-first enumeration.
 */
import type { Chooser, Footprint, RunReport, SearchControl, SearchResult, SearchTarget, Strategy } from '../../strategies/strategy.js';
import { independent } from '../user-run-target.js';

export interface SleepSetExhaustiveOptions {
  /** Most runs before the search gives up with `inconclusive` (default 20,000). */
  readonly maxSchedules?: number;
}

/** The same schedule prefix led to different enabled actors: the user's code is not deterministic under lockstep. */
export class NondeterministicRun extends Error {
  override readonly name = 'NondeterministicRun';
}

interface Frame {
  readonly enabled: readonly number[];
  chosen: number;
  readonly sleep: ReadonlySet<number>;
  readonly done: Set<number>;
  /** Each actor's next-step footprint at this depth. */
  readonly footprints: readonly (Footprint | null)[];
}

export class SleepSetExhaustiveStrategy implements Strategy {
  readonly name = 'exhaustive' as const;
  readonly maxSchedules: number;

  constructor(options: SleepSetExhaustiveOptions = {}) {
    this.maxSchedules = options.maxSchedules ?? 20_000;
    if (!Number.isInteger(this.maxSchedules) || this.maxSchedules < 1) throw new RangeError(`maxSchedules must be a positive integer, got ${String(options.maxSchedules)}`);
  }

  describe(): string {
    return `exhaustive (depth-first with sleep sets), at most ${this.maxSchedules} schedules`;
  }

  options(): Readonly<Record<string, number>> {
    return { maxSchedules: this.maxSchedules };
  }

  async search(target: SearchTarget, control?: SearchControl): Promise<SearchResult> {
    const frames: Frame[] = [];
    let prefixLength = 0;
    let best: RunReport | null = null;
    let schedules = 0;
    const notable: Record<string, number> = {};
    const width = target.runs.actors.length;
    for (;;) {
      const stopped = control?.shouldStop?.() ?? null;
      if (stopped !== null) return result('inconclusive', best, schedules, null, stopped);
      if (schedules >= this.maxSchedules) {
        return result(best === null ? 'inconclusive' : 'violation', best, schedules, best === null ? `maxSchedules (${this.maxSchedules}) reached before every schedule was run: raise it, or give the actors fewer steps` : null, null);
      }
      const chooser: Chooser = {
        next: (enabled, index, pending) => {
          if (index < prefixLength) {
            const frame = frames[index]!;
            if (!sameSet(frame.enabled, enabled)) throw new NondeterministicRun(`the run is not deterministic: at step ${index + 1} of schedule ${frames.slice(0, index).map((f) => f.chosen).join('.')} the actors that could step were ${enabled.join(',')}, in an earlier run with the same schedule ${frame.enabled.join(',')} (does code between two statements depend on timing, or on state outside the database and the points?)`);
            return frame.chosen;
          }
          const footprints = Array.from({ length: width }, (_, a) => (enabled.includes(a) && pending !== undefined ? pending(a) : null));
          const sleep = index === 0 ? new Set<number>() : wake(frames[index - 1]!);
          const choice = enabled.find((a) => !sleep.has(a));
          if (choice === undefined) return null;
          frames[index] = { enabled: [...enabled], chosen: choice, sleep, done: new Set(), footprints };
          return choice;
        },
      };
      const report = await target.runs.run(chooser);
      schedules++;
      for (const tag of report.notable) notable[tag] = (notable[tag] ?? 0) + 1;
      frames.length = report.schedule.length;
      if (report.violation !== null && (best === null || report.schedule.length < best.schedule.length)) best = report;
      control?.progress?.({ schedules });
      // Backtrack: the deepest frame with a choice neither explored nor asleep.
      let d = frames.length - 1;
      for (; d >= 0; d--) {
        const frame = frames[d]!;
        frame.done.add(frame.chosen);
        const next = frame.enabled.find((a) => !frame.done.has(a) && !frame.sleep.has(a));
        if (next !== undefined) {
          frame.chosen = next;
          break;
        }
      }
      if (d < 0) return { ...result(best === null ? 'holds' : 'violation', best, schedules, null, null), notable };
      frames.length = d + 1;
      prefixLength = d + 1;
    }
  }
}

/** The sleep set of the next depth: what slept or was explored here and is independent of the step taken. */
function wake(frame: Frame): Set<number> {
  const taken = frame.footprints[frame.chosen] ?? null;
  const next = new Set<number>();
  for (const a of [...frame.sleep, ...frame.done]) {
    if (a !== frame.chosen && independent(frame.footprints[a] ?? null, taken)) next.add(a);
  }
  return next;
}

const sameSet = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

function result(verdict: SearchResult['verdict'], failure: RunReport | null, schedules: number, limit: string | null, stopped: SearchResult['stopped']): SearchResult {
  return { verdict, failure, schedules, shrinks: 0, notable: {}, limit, stopped };
}
