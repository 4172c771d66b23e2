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

/** A JSON value, for the shared state a scenario exposes. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/**
 * The world after a step, as a trace of format 2 carries it (DESIGN.md "Trace"; docs/formats.md), so that a
 * renderer or the trace viewer can show every step's state without running the model. The scenario chooses what
 * to expose; every field is plain JSON.
 */
export interface ExposedWorld {
  /** Per actor (by name): its machine state in a short word, and what it is doing. */
  readonly actors: Readonly<Record<string, ExposedActor>>;
  /** Per SQLite connection (by name, usually the actor's): its lock and transaction. Absent when no SQLite is involved. */
  readonly connections?: Readonly<Record<string, ExposedConnection>>;
  /** What the actors share and matters to the properties: rows, caches, queues, files. */
  readonly shared?: Readonly<Record<string, JsonValue>>;
  /** The virtual clock in ms, when the scenario has one. */
  readonly clock?: number;
}

export type ActorStatus = 'running' | 'waiting' | 'blocked' | 'done' | 'failed';

export interface ExposedActor {
  /** The actor's machine state (or the real code's position), e.g. 'reading', 'committing'. */
  readonly state: string;
  readonly status: ActorStatus;
  /** A short note: the error it failed with, the statement it waits on. */
  readonly detail?: string;
  /**
   * A lock the actor holds or queues for outside SQLite, in the scenario's words (the pid lock file: 'holds';
   * an asyncio lock: 'lock' or 'queued'). SQLite locks are per connection, in {@link ExposedConnection}.
   */
  readonly holds?: string;
}

export interface ExposedConnection {
  /**
   * SQLite's words: '-', 'SHARED', 'RESERVED', 'PENDING', 'EXCLUSIVE' (rollback journal); '-', 'snapshot',
   * 'WRITE' (WAL). null when the engine cannot observe it: real SQLite does not report a connection's lock
   * level, so a real engine exposes only what it saw (`inTransaction`).
   */
  readonly lock: string | null;
  readonly inTransaction: boolean;
}

/**
 * What one step touched, for partial-order reduction: two steps of different actors are independent (they
 * commute: either order leads to the same world and the same outcomes) when neither writes an object the other
 * reads or writes. Object names are the scenario's (for SQL: 'db' for the database's lock state and rows; for a
 * marked point: its label). A step with no footprint is treated as dependent on every other step.
 */
export interface Footprint {
  readonly reads: readonly string[];
  readonly writes: readonly string[];
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
  /**
   * What `actor`'s next step touches (for partial-order reduction), stated by the scenario; absent: every step
   * depends on every other.
   */
  footprint?(world: W, actor: number): Footprint;
  /** The world as a format-2 trace shows it after each step (see {@link ExposedWorld}). */
  expose?(world: W): ExposedWorld;
}
