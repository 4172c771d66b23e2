/**
 * The one interface every way of choosing schedules implements (DESIGN.md, "The library": "One Strategy
 * interface in sim/strategies/ serves the built-in `check` (model and real engines) and explore() on user code
 * (real engine only)"). The anchors are shuttle's `Scheduler` and fast-check's `TaskSelector`: a strategy is a
 * small object, one per file, that owns its own bounds; the code that runs a check or an explore() never
 * looks inside it.
 *
 * What a strategy drives is a {@link SearchTarget}:
 * - `runs` (every engine): run one schedule from a fresh start, asking a {@link Chooser} which actor steps next,
 *   and report the judged run. The model does this in memory; the real engines and user code do it on real
 *   SQLite, one gated step at a time. Stateless strategies (random, pct, replay, bounded depth-first) need
 *   nothing more, so they work on user code that has no model.
 * - `space` (the sim engine only): the model's state space (worlds with canonical keys), for stateful search
 *   with a visited set (breadth-first exhaustive, where the first violation found is a shortest one).
 * A strategy that needs `space` and does not get it must say so with a {@link StrategyUnsupported} error, so
 * that the caller can report it as bad usage.
 *
 * Determinism: a strategy is a pure function of its options (seed included) and of what the target reports.
 * It never reads the wall clock or Math.random: time limits and interruption arrive through
 * {@link SearchControl.shouldStop}, which the command line (or the user's test) supplies.
 */
import type { Footprint, ScenarioModel, StepRecord } from '../../spec/scenario-model.js';
import type { Property } from '../../properties/property.js';
import type { Violation } from '../verdict.js';

export type { Footprint };

export type StrategyName = 'exhaustive' | 'random' | 'pct' | 'replay';

/** One run, as any engine reports it after running a schedule, judged by the scenario's properties. */
export interface RunReport {
  /** The actor index of every step taken. */
  readonly schedule: readonly number[];
  readonly steps: readonly StepRecord[];
  /** Before each step, the actors that could step (schedule[i] was chosen from enabled[i]). */
  readonly enabled: readonly (readonly number[])[];
  /** Per step, what it touched, when the engine can tell (for reduction); absent otherwise. */
  readonly footprints?: readonly (Footprint | null)[];
  /** The first property the run broke (a safety property in some world, or an outcome property or no-deadlock at its end). */
  readonly violation: Violation | null;
  /** The scenario's notable tags (dangerous windows) seen anywhere in the run. */
  readonly notable: readonly string[];
  /** Whether the run ended (nobody could step) rather than stopping on a safety violation or at the chooser's request. */
  readonly ended: boolean;
}

/** Chooses, step by step, the actors of one run. */
export interface Chooser {
  /**
   * The actor to step next. `enabled` is ascending and never empty; `index` counts steps from 0. Returns one of
   * `enabled`, or null to stop the run here (a replayed schedule that has run out). Returning an actor that is
   * not enabled is a strategy defect; a replay reports it as a schedule that does not fit.
   */
  next(enabled: readonly number[], index: number, pending?: PendingFootprints): number | null;
}

/**
 * What each enabled actor's next step will touch, when the target can tell before the step is taken (user code
 * parks before each statement, so it can): reduction strategies use it to skip schedules that only reorder
 * independent steps. Null for an actor whose next step is unknown (treated as dependent on everything).
 */
export type PendingFootprints = (actor: number) => Footprint | null;

/** Runs one schedule from a fresh start (a fresh world, a fresh database). Must clean up after itself, also on failure. */
export interface RunTarget {
  /** Actor names; a schedule entry is an index into this list. */
  readonly actors: readonly string[];
  run(chooser: Chooser): Promise<RunReport>;
}

export interface SearchTarget<W = unknown, O = unknown> {
  readonly runs: RunTarget;
  /** The model's state space and the properties to judge in it: present on the sim engine only. */
  readonly space?: { readonly model: ScenarioModel<W, O>; readonly properties: readonly Property<O>[] };
}

/** Why a search stopped before it could conclude; supplied by the caller, never decided from the wall clock here. */
export type StopReason = 'interrupted' | 'time';

export interface SearchProgress {
  readonly schedules: number;
  /** Stateful search only. */
  readonly worlds?: number;
  readonly transitions?: number;
  readonly depth?: number;
  readonly frontier?: number;
}

export interface SearchControl {
  /**
   * Asked between chunks of work (at least every few thousand worlds or every schedule); a non-null answer stops
   * the search, which then reports what it explored with verdict `inconclusive` and that reason.
   */
  readonly shouldStop?: () => StopReason | null;
  /** Told how far the search has got; the caller decides how often to print it (and never on stdout). */
  readonly progress?: (progress: SearchProgress) => void;
}

/**
 * `holds`: every schedule the strategy's bounds promise was tried and none broke a property. `violation`: one did
 * (`failure` is the shortest one for breadth-first exhaustive, the shrunk one for random). `inconclusive`: a bound
 * was reached (`limit` says which, and its likely cause) or the search was stopped (`stopped`): nothing proven.
 */
export type SearchVerdict = 'holds' | 'violation' | 'inconclusive';

export interface SearchResult {
  readonly verdict: SearchVerdict;
  readonly failure: RunReport | null;
  /** Runs executed (for stateful search: the ends of runs reached, i.e. worlds where nobody could step). */
  readonly schedules: number;
  /** Stateful search only: distinct worlds and transitions explored. */
  readonly worlds?: number;
  readonly transitions?: number;
  /** Runs tried while shrinking a failure (random). */
  readonly shrinks: number;
  /** How many explored worlds (stateful) or runs (stateless) reached each dangerous window. */
  readonly notable: Readonly<Record<string, number>>;
  /** The bound that stopped the search, with its likely cause, when the verdict is inconclusive for that reason. */
  readonly limit: string | null;
  /** Set when the caller stopped the search. */
  readonly stopped: StopReason | null;
}

export interface Strategy {
  readonly name: StrategyName;
  /** The strategy and its bounds in words, for reports: "random, 1000 runs, seed 42". */
  describe(): string;
  /**
   * The options that reproduce this strategy exactly (seed, runs, bounds), as plain JSON, for replay tokens and
   * reproduce lines.
   */
  options(): Readonly<Record<string, string | number | boolean>>;
  search(target: SearchTarget, control?: SearchControl): Promise<SearchResult>;
}

/** A strategy was given a target it cannot search (for example: stateful exhaustive without a model). */
export class StrategyUnsupported extends Error {
  override readonly name = 'StrategyUnsupported';
}
