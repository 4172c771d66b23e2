/**
 * The pure side of the engine seam (DESIGN.md, "The seam between the engines"): a scenario's specification
 * as a state space. A world is immutable; `step` returns a new one. Actors are numbered by their position in
 * `actors`, and a schedule is the sequence of those numbers, so a schedule found here replays on the real
 * engine by actor, whatever each engine thinks is enabled.
 */

/** One step as a trace shows it: who, what, and what came of it. */
export interface StepRecord {
  readonly actor: string;
  readonly action: string;
  readonly outcome: string;
}

/** A canonical key of a world: equal keys mean the futures are the same (up to the stated symmetry). */
export type WorldKey = string & { readonly __brand: 'WorldKey' };

export interface ScenarioModel<W, O> {
  /** Actor names; a schedule entry is an index into this list. */
  readonly actors: readonly string[];
  readonly initial: W;
  /** The actors that can take a step now, ascending. Empty means the run is over (or deadlocked). */
  enabled(world: W): readonly number[];
  /** One atomic step of one enabled actor. */
  step(world: W, actor: number): { readonly world: W; readonly record: StepRecord };
  /** Canonical key for the visited set. */
  key(world: W): WorldKey;
  /** The plain-data view that properties judge; the real engine reports the same shape. */
  observe(world: W): O;
  /** Whether an actor has finished its program (an unfinished actor that cannot step is blocked). */
  finished(world: W, actor: number): boolean;
  /** One short word per actor for traces: its state, and the lock its connection holds. */
  describe(world: W, actor: number): string;
  /** The SQLite lock the actor's connection holds now (for renderers), or '' when it has none to show. */
  lockHeld?(world: W, actor: number): string;
  /** What the actors share, as a diagram names it ('SQLite', 'file system', 'memory'); see sim/render/trace-mermaid.ts. */
  readonly sharedName?: string;
  /** Scenario-specific facts about a world worth counting during exploration (the "dangerous window"). */
  notable?(world: W): readonly string[];
}
