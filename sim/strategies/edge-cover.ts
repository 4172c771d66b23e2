/**
 * Schedules that together take every transition of the model's explored world graph: for each edge (world,
 * actor), the shortest schedule to that world, then that actor, then the run completed by the lowest enabled
 * actor. This is what `exhaustive` means on the real engine, which has no world keys of its own: replay
 * these on real SQLite and compare every step with the model.
 */
import type { WorldKey } from '../../spec/scenario-model.js';
import type { ExhaustiveResult } from './exhaustive-strategy.js';

/** Prefixes (to be completed by the caller) covering every recorded edge, shortest first, without repeats. */
export function edgeCoverPrefixes(result: ExhaustiveResult): number[][] {
  const { edges, scheduleTo } = result;
  if (edges === undefined || scheduleTo === undefined) throw new Error('edgeCoverPrefixes needs an exploration run with recordEdges');
  const prefixes: number[][] = [];
  const seen = new Set<string>();
  for (const [from, out] of edges as Map<WorldKey, { actor: number; to: WorldKey }[]>) {
    const path = scheduleTo(from);
    for (const { actor } of out) {
      const prefix = [...path, actor];
      const id = prefix.join(',');
      if (seen.has(id)) continue;
      seen.add(id);
      prefixes.push(prefix);
    }
  }
  return prefixes.sort((a, b) => a.length - b.length);
}
