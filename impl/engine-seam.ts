/**
 * The real side of the engine seam (DESIGN.md, "The seam between the engines"). A real run is the real code
 * of one scenario variant on real SQLite, with every actor parked at a gate before each step; `step(actor)`
 * lets exactly that actor take its next step and resolves once it has parked again or finished.
 *
 * The shapes mirror spec/scenario-model.ts (StepRecord) without importing it: impl/ must not consult the
 * model. A real run cannot produce a canonical world key and need not.
 */

export interface RealStepRecord {
  readonly actor: string;
  readonly action: string;
  readonly outcome: string;
}

export interface RealRun {
  /** Actor names; a schedule entry is an index into this list (the same list the model has). */
  readonly actors: readonly string[];
  /** Whether the actor has finished its program. */
  finished(actor: number): boolean;
  /** Lets one actor take one step; rejects if it has finished. */
  step(actor: number): Promise<RealStepRecord>;
  /** The scenario's observation (the same plain shape the model reports), read from the real state. */
  observe(): unknown;
  /** Closes every connection and removes every file, also after a failure. Idempotent. */
  close(): Promise<void>;
}
