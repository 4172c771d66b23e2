/**
 * PCT (probabilistic concurrency testing, Burckhardt et al. 2010) on user code: every run gives the actors
 * distinct random priorities and picks `depth - 1` change points among the steps; the enabled actor with the
 * highest priority always steps, and at a change point the actor that steps drops below every other. A bug of
 * depth d is found by one run with probability at least 1/(n k^(d-1)). Seeded: the same seed, the same runs.
 */
import { Prng } from '../../prng.js';
import type { Chooser, RunReport, SearchControl, SearchResult, SearchTarget, Strategy } from '../../strategies/strategy.js';

export interface PctScheduleOptions {
  readonly runs?: number;
  readonly seed?: number;
  /** The bug depth PCT aims at (default 3). */
  readonly depth?: number;
}

export class PctScheduleStrategy implements Strategy {
  readonly name = 'pct' as const;
  readonly runs: number;
  readonly seed: number;
  readonly depth: number;

  constructor(options: PctScheduleOptions = {}) {
    this.runs = options.runs ?? 200;
    this.seed = options.seed ?? 1;
    this.depth = options.depth ?? 3;
    if (!Number.isInteger(this.runs) || this.runs < 1) throw new RangeError(`runs must be a positive integer, got ${String(options.runs)}`);
    if (!Number.isInteger(this.depth) || this.depth < 1) throw new RangeError(`depth must be a positive integer, got ${String(options.depth)}`);
  }

  describe(): string {
    return `pct, ${this.runs} runs, depth ${this.depth}, seed ${this.seed}`;
  }

  options(): Readonly<Record<string, number>> {
    return { runs: this.runs, seed: this.seed, depth: this.depth };
  }

  async search(target: SearchTarget, control?: SearchControl): Promise<SearchResult> {
    const random = new Prng(this.seed);
    const n = target.runs.actors.length;
    let longest = 8 * n;
    let failure: RunReport | null = null;
    for (let r = 0; r < this.runs; r++) {
      const stopped = control?.shouldStop?.() ?? null;
      if (stopped !== null) return { verdict: 'inconclusive', failure: null, schedules: r, shrinks: 0, notable: {}, limit: null, stopped };
      // Priorities depth..depth+n-1 in a random order; change points get priorities depth-1 .. 1.
      const order = Array.from({ length: n }, (_, i) => i);
      for (let i = n - 1; i > 0; i--) {
        const j = random.below(i + 1);
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      const priority = new Array<number>(n);
      order.forEach((actor, rank) => (priority[actor] = this.depth + rank));
      const changes = new Map<number, number>();
      for (let c = 1; c < this.depth; c++) changes.set(random.below(longest), this.depth - c);
      const chooser: Chooser = {
        next: (enabled, index) => {
          let best = enabled[0]!;
          for (const a of enabled) if (priority[a]! > priority[best]!) best = a;
          const lowered = changes.get(index);
          if (lowered !== undefined) priority[best] = lowered;
          return best;
        },
      };
      const report = await target.runs.run(chooser);
      longest = Math.max(longest, report.schedule.length);
      control?.progress?.({ schedules: r + 1 });
      if (report.violation !== null) {
        failure = report;
        return { verdict: 'violation', failure, schedules: r + 1, shrinks: 0, notable: {}, limit: null, stopped: null };
      }
    }
    return { verdict: 'holds', failure: null, schedules: this.runs, shrinks: 0, notable: {}, limit: null, stopped: null };
  }
}
