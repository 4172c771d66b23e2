/**
 * Exhaustive exploration: breadth first over distinct worlds (by the model's canonical key), so the first
 * violation found is a shortest one. Safety is judged in every new world, the outcome properties and
 * no-deadlock in every world where nobody can step. Bounds are named and overridable; reaching one is the
 * verdict `limit-reached`, never `holds`.
 */
import type { ScenarioModel, WorldKey } from '../../spec/scenario-model.js';
import type { Property } from '../../properties/property.js';
import { checkEnd, checkSafety } from '../judge.js';
import type { Verdict, Violation } from '../verdict.js';

export interface ExhaustiveLimits {
  /** Distinct worlds to visit at most. Raising it costs memory: every key is kept. */
  readonly maxWorlds: number;
  /** Steps from the initial world at most; a deeper run means the model may not terminate. */
  readonly maxDepth: number;
}

export const DEFAULT_EXHAUSTIVE_LIMITS: ExhaustiveLimits = { maxWorlds: 3_000_000, maxDepth: 10_000 };

export interface ExhaustiveResult {
  readonly verdict: Verdict;
  readonly violation: Violation | null;
  /** The shortest schedule (actor indices) to the violation, when there is one. */
  readonly schedule: readonly number[] | null;
  readonly worlds: number;
  readonly transitions: number;
  /** Worlds where nobody could step (runs that ended). */
  readonly endings: number;
  readonly depth: number;
  /** How many distinct worlds carried each notable tag (the dangerous windows reached). */
  readonly notable: Readonly<Record<string, number>>;
  /** Which limit stopped the search, with its likely cause. */
  readonly limit: string | null;
  /** With `recordEdges`: every (world, actor) edge, and the schedule that reaches each world. */
  readonly edges?: ReadonlyMap<WorldKey, readonly { actor: number; to: WorldKey }[]>;
  readonly scheduleTo?: (key: WorldKey) => number[];
}

interface Node<W> {
  readonly world: W;
  readonly key: WorldKey;
  readonly depth: number;
}

export function exploreExhaustively<W, O>(
  model: ScenarioModel<W, O>,
  properties: readonly Property<O>[],
  limits: ExhaustiveLimits = DEFAULT_EXHAUSTIVE_LIMITS,
  options: { recordEdges?: boolean; continueAfterViolation?: boolean } = {},
): ExhaustiveResult {
  const parents = new Map<WorldKey, { parent: WorldKey | null; actor: number }>();
  const notable: Record<string, number> = {};
  const edges = options.recordEdges === true ? new Map<WorldKey, { actor: number; to: WorldKey }[]>() : undefined;
  let transitions = 0;
  let endings = 0;
  let depth = 0;

  const scheduleTo = (key: WorldKey): number[] => {
    const schedule: number[] = [];
    for (let entry = parents.get(key); entry !== undefined && entry.parent !== null; entry = parents.get(entry.parent)) {
      schedule.push(entry.actor);
    }
    return schedule.reverse();
  };
  const result = (verdict: Verdict, violation: Violation | null, at: WorldKey | null, limit: string | null): ExhaustiveResult => ({
    verdict,
    violation,
    schedule: at === null ? null : scheduleTo(at),
    worlds: parents.size,
    transitions,
    endings,
    depth,
    notable,
    limit,
    ...(edges === undefined ? {} : { edges, scheduleTo }),
  });
  const visit = (world: W, key: WorldKey): Violation | null => {
    for (const tag of model.notable?.(world) ?? []) notable[tag] = (notable[tag] ?? 0) + 1;
    return checkSafety(properties, model.observe(world));
  };

  let first: { violation: Violation; at: WorldKey } | null = null;
  /** Records a violation; returns true when the search should stop on it. */
  const found = (violation: Violation | null, at: WorldKey): boolean => {
    if (violation === null) return false;
    first ??= { violation, at };
    return options.continueAfterViolation !== true;
  };

  const initialKey = model.key(model.initial);
  parents.set(initialKey, { parent: null, actor: -1 });
  if (found(visit(model.initial, initialKey), initialKey)) return result('violation', first!.violation, initialKey, null);

  let frontier: Node<W>[] = [{ world: model.initial, key: initialKey, depth: 0 }];
  while (frontier.length > 0) {
    const next: Node<W>[] = [];
    for (const node of frontier) {
      const enabled = model.enabled(node.world);
      if (enabled.length === 0) {
        endings++;
        if (found(checkEnd(model, properties, node.world), node.key)) return result('violation', first!.violation, node.key, null);
        continue;
      }
      if (node.depth >= limits.maxDepth) {
        return result('limit-reached', null, null, `maxDepth ${limits.maxDepth}: a run this long suggests the model does not terminate`);
      }
      const out = edges === undefined ? undefined : [] as { actor: number; to: WorldKey }[];
      for (const actor of enabled) {
        const { world } = model.step(node.world, actor);
        transitions++;
        const key = model.key(world);
        out?.push({ actor, to: key });
        if (parents.has(key)) continue;
        parents.set(key, { parent: node.key, actor });
        depth = Math.max(depth, node.depth + 1);
        const violation = visit(world, key);
        if (found(violation, key)) return result('violation', first!.violation, key, null);
        if (violation !== null) continue; // a run ends where it breaks a safety property
        if (parents.size >= limits.maxWorlds) {
          return result('limit-reached', null, null, `maxWorlds ${limits.maxWorlds}: the state space is larger; raise it (check --max-worlds N) or use fewer workers`);
        }
        next.push({ world, key, depth: node.depth + 1 });
      }
      if (edges !== undefined && out !== undefined) edges.set(node.key, out);
    }
    frontier = next;
  }
  const ended = first as { violation: Violation; at: WorldKey } | null;
  return ended === null ? result('holds', null, null, null) : result('violation', ended.violation, ended.at, null);
}
