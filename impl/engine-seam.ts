/**
 * The real side of the engine seam (DESIGN.md, "The seam between the engines"). A real run is the real code
 * of one scenario variant on real SQLite, with every actor parked at a gate before each step; `step(actor)`
 * lets exactly that actor take its next step and resolves once it has parked again or finished.
 *
 * The shapes mirror spec/scenario-model.ts (StepRecord) without importing it: impl/ must not consult the
 * model. A real run cannot produce a canonical world key and need not.
 */

import type { StatementKind } from './lock-step/busy-handler-rule.js';

export interface RealStepRecord {
  readonly actor: string;
  readonly action: string;
  readonly outcome: string;
  /**
   * For a step that ran one SQL statement: what it was and what real SQLite answered, so that sim/ can run the
   * SQLite lock model beside the real run (annotate every step with the locks held, decide when a virtually
   * waiting actor can go on, and report any difference between the model and real SQLite as a lockstep defect).
   */
  readonly sql?: RealSqlStep;
}

export interface RealSqlStep {
  /** Index into RealRun.connections. */
  readonly connection: number;
  readonly kind: StatementKind;
  /** The extended result code when SQLite refused the statement, null when it succeeded. */
  readonly code: string | null;
  /** Rows a successful write changed (a write that changed nothing publishes nothing in WAL mode). */
  readonly changes?: number;
  /** The connection's `inTransaction` after the statement. */
  readonly inTransaction: boolean;
}

/** spec/scenario-model.ts's JsonValue, declared again. */
export type RealJsonValue = string | number | boolean | null | readonly RealJsonValue[] | { readonly [key: string]: RealJsonValue };

/** spec/scenario-model.ts's ExposedWorld, declared again (impl/ never imports spec/); a compile-time test ties them. */
export interface RealExposedWorld {
  readonly actors: Readonly<Record<string, { readonly state: string; readonly status: 'running' | 'waiting' | 'blocked' | 'done' | 'failed'; readonly detail?: string; readonly holds?: string }>>;
  readonly connections?: Readonly<Record<string, { readonly lock: string | null; readonly inTransaction: boolean }>>;
  readonly shared?: Readonly<Record<string, RealJsonValue>>;
  readonly clock?: number;
}

export interface RealRun {
  /** Actor names; a schedule entry is an index into this list (the same list the model has). */
  readonly actors: readonly string[];
  /** Connection names, when the run uses SQLite (RealSqlStep.connection indexes this list). */
  readonly connections?: readonly string[];
  /** Whether the actor has finished its program. */
  finished(actor: number): boolean;
  /**
   * The actors that can step now by the real code's own state (parked at a gate, not finished, not waiting on
   * something only another actor or time can change), ascending. Present when the real run can be explored on
   * its own, without the model choosing its schedules.
   */
  enabled?(): readonly number[];
  /** Lets one actor take one step; rejects if it has finished. */
  step(actor: number): Promise<RealStepRecord>;
  /** The scenario's observation (the same plain shape the model reports), read from the real state. */
  observe(): unknown;
  /**
   * The world as observed on real SQLite and in the real code (format-2 traces): what the real run can see,
   * e.g. each connection's `inTransaction` (real SQLite does not report a connection's lock level; where a step
   * was compared with the model, the trace shows the model's lock beside it).
   */
  expose?(): RealExposedWorld;
  /** Closes every connection and removes every file, also after a failure. Idempotent. */
  close(): Promise<void>;
}
