/**
 * PCT, probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi, Nagarakatte, ASPLOS 2010): each
 * run gives the actors distinct random priorities and picks `depth - 1` random change points among the
 * first `k` steps; at every step the highest-priority enabled actor runs, and at the i-th change point the
 * running actor's priority drops below every initial one. A bug of depth d is found with probability at
 * least 1 / (n k^(d-1)) per run. Seeded: the same seed gives the same runs.
 */
import type { ScenarioModel } from '../../spec/scenario-model.js';
import type { Property } from '../../properties/property.js';
import { Prng } from '../prng.js';
import { drive } from '../run-schedule.js';
import type { ScheduleRun } from '../verdict.js';
import type { SearchResult } from './random-strategy.js';

export interface PctOptions {
  readonly runs: number;
  readonly seed: number;
  /** The bug depth aimed at: d - 1 priority change points per run. */
  readonly depth?: number;
  /** Steps among which change points are drawn (an estimate of a run's length). */
  readonly k?: number;
}

export const DEFAULT_PCT_DEPTH = 3;

export function pctRun<W, O>(model: ScenarioModel<W, O>, properties: readonly Property<O>[], prng: Prng, depth: number, k: number): ScheduleRun {
  const n = model.actors.length;
  // Initial priorities: a random permutation of d .. d+n-1 (higher runs first); change points get 1 .. d-1.
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = prng.below(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const priority = new Array<number>(n);
  order.forEach((actor, rank) => (priority[actor] = depth + rank));
  const changePoints = Array.from({ length: depth - 1 }, () => prng.below(Math.max(1, k)));
  return drive(model, properties, (enabled, index) => {
    let best = enabled[0]!;
    for (const actor of enabled) if (priority[actor]! > priority[best]!) best = actor;
    const change = changePoints.indexOf(index);
    if (change >= 0) {
      priority[best] = depth - 1 - change;
      best = enabled[0]!;
      for (const actor of enabled) if (priority[actor]! > priority[best]!) best = actor;
    }
    return best;
  });
}

export function explorePct<W, O>(model: ScenarioModel<W, O>, properties: readonly Property<O>[], options: PctOptions): SearchResult {
  const prng = new Prng(options.seed);
  const depth = options.depth ?? DEFAULT_PCT_DEPTH;
  const k = options.k ?? 6 * model.actors.length;
  const notable: Record<string, number> = {};
  for (let run = 1; run <= options.runs; run++) {
    const result = pctRun(model, properties, prng, depth, k);
    for (const tag of result.notable) notable[tag] = (notable[tag] ?? 0) + 1;
    if (result.violation !== null) return { failure: result, schedules: run, shrinks: 0, notable };
  }
  return { failure: null, schedules: options.runs, shrinks: 0, notable };
}
