/**
 * Replays one schedule exactly (a replay token's): the actor of each step is the schedule's; the run stops when
 * the schedule ends. A schedule whose actor cannot step where the schedule says, or that ends before the run
 * does although the failure it stands for was found at the run's end, does not fit the scenario: a usage error.
 */
import type { SearchResult, SearchTarget, Strategy } from '../../strategies/strategy.js';

export class ScheduleDoesNotFit extends Error {
  override readonly name = 'ScheduleDoesNotFit';
}

export class ReplayScheduleStrategy implements Strategy {
  readonly name = 'replay' as const;

  constructor(readonly schedule: readonly number[]) {}

  describe(): string {
    return `replay of a ${this.schedule.length}-step schedule`;
  }

  options(): Readonly<Record<string, string>> {
    return { schedule: this.schedule.join('.') };
  }

  async search(target: SearchTarget): Promise<SearchResult> {
    const { actors } = target.runs;
    const report = await target.runs.run({
      next: (enabled, index) => {
        if (index >= this.schedule.length) return null;
        const actor = this.schedule[index]!;
        if (!enabled.includes(actor)) {
          throw new ScheduleDoesNotFit(`the replayed schedule does not fit the scenario: step ${index + 1} is ${actors[actor] ?? `actor ${actor}`}, which cannot step there (it can: ${enabled.map((a) => actors[a]).join(', ')})`);
        }
        return actor;
      },
    });
    if (report.schedule.length < this.schedule.length) {
      throw new ScheduleDoesNotFit(`the replayed schedule does not fit the scenario: it has ${this.schedule.length} steps but the run ended after ${report.schedule.length}`);
    }
    return { verdict: report.violation === null ? 'holds' : 'violation', failure: report.violation === null ? null : report, schedules: 1, shrinks: 0, notable: {}, limit: null, stopped: null };
  }
}
