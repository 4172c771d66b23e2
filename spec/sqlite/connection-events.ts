/**
 * The vocabulary shared by both connection machines (rollback journal and WAL): the events a connection
 * receives (one per SQL statement, each carrying the {@link LockView} of the moment), its context, and the
 * outcome it records for the step.
 */
import type { BeginMode, StepOutcome } from './lock-script.js';
import type { Committed, LockView } from './lock-view.js';

/** What a write does to a row: the lock scripts increment; scenario models may store a value. */
export type WriteEffect = { readonly kind: 'increment' } | { readonly kind: 'set'; readonly value: number };

export type ConnectionEvent =
  | { readonly type: 'BEGIN'; readonly mode: BeginMode; readonly view: LockView }
  | { readonly type: 'READ'; readonly key: string; readonly view: LockView }
  | { readonly type: 'WRITE'; readonly key: string; readonly effect: WriteEffect; readonly view: LockView }
  | { readonly type: 'COMMIT'; readonly view: LockView }
  | { readonly type: 'ROLLBACK'; readonly view: LockView };

/** A step's outcome as the machine records it: everything but `inTransaction`, which the state tells. */
export type StepAnswer = Omit<StepOutcome, 'inTransaction'>;

export interface ConnectionContext {
  /** This connection's uncommitted values, by key (what its own reads see on top of the base). */
  readonly own: Committed;
  /** WAL only: the values of the read snapshot, taken at the transaction's first read. */
  readonly snapshot: Committed | null;
  /** WAL only: the commit version the snapshot was taken at. */
  readonly snapshotVersion: number | null;
  /** The answer to the last event; the world adds `inTransaction` from the state the machine is in. */
  readonly outcome: StepAnswer | null;
  /** Values a successful commit (or autocommit write) publishes; the world applies them and clears this. */
  readonly publish: Committed | null;
}

export const INITIAL_CONTEXT: ConnectionContext = {
  own: {},
  snapshot: null,
  snapshotVersion: null,
  outcome: null,
  publish: null,
};

/** The value a write leaves in a row whose current value (as this connection sees it) is `current`. */
export function applyWrite(current: number, effect: WriteEffect): number {
  return effect.kind === 'increment' ? current + 1 : effect.value;
}

/** The row as a connection sees it: its own uncommitted value if it wrote one, else the base. */
export function visibleValue(base: Committed, own: Committed, key: string): number {
  return own[key] ?? base[key] ?? 0;
}
