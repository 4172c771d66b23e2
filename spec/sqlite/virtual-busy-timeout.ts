/**
 * The virtual busy timeout, shared by every scenario whose actors run SQL through the SQLite model (tickets,
 * retry, pool). SQLite answers a statement that meets a lock either at once (SQLITE_BUSY without the busy
 * handler: `wouldWait` false) or after its busy handler has slept up to the busy timeout. In the model a
 * statement that would wait does not fail yet: its actor waits, and the scenario schedules it again only when
 * the same statement would now succeed (the lock changed hands), or, when nobody else can move, at its
 * deadline (clock + busy timeout), where a statement still refused fails with SQLITE_BUSY.
 *
 * This is that rule as one pure decision; the real engines follow it through impl/lock-step/busy-handler-rule.ts.
 */
import type { StepOutcome } from './lock-script.js';
import type { SqliteWorld } from './sqlite-world.js';

/** How a busy answer was met: refused at once, now waiting, or refused at the end of the wait; null when not busy. */
export type WaitNote = 'at-once' | 'waits' | 'timed-out' | null;

export function isBusy(outcome: StepOutcome): boolean {
  return outcome.status === 'busy' || outcome.status === 'busy_snapshot';
}

/**
 * The words a trace shows for a refused statement, the same on both engines (the real engines' statement
 * runners print them too): `SQLITE_BUSY, waits`, `SQLITE_BUSY after the busy timeout`, `SQLITE_BUSY at once`.
 */
export function refusalText(outcome: StepOutcome, waited: WaitNote): string {
  const code = outcome.code ?? outcome.status;
  switch (waited) {
    case 'waits':
      return `${code}, waits`;
    case 'timed-out':
      return `${code} after the busy timeout`;
    case 'at-once':
    case null:
      return `${code} at once`;
  }
}

export interface BusyWaitDecision {
  readonly waited: WaitNote;
  /** The actor's deadline after the step: set when it starts waiting, cleared otherwise. */
  readonly deadline: number | null;
  /** The clock after the step: moved to the deadline when a wait ran out. */
  readonly clock: number;
  /** Whether the actor's code sees the outcome now (false only while it waits). */
  readonly deliver: boolean;
}

/**
 * What a statement's outcome means for its actor. `deadline` is the actor's pending deadline before the step
 * (non-null when it was waiting): a waiting actor is only stepped when the statement succeeds or its deadline
 * has come, so a busy answer then is the timeout firing.
 */
export function decideBusyWait(outcome: StepOutcome, deadline: number | null, clock: number, busyTimeoutMs: number): BusyWaitDecision {
  if (isBusy(outcome) && deadline !== null) return { waited: 'timed-out', deadline: null, clock: Math.max(clock, deadline), deliver: true };
  if (isBusy(outcome) && outcome.wouldWait === true && busyTimeoutMs > 0) return { waited: 'waits', deadline: clock + busyTimeoutMs, clock, deliver: false };
  return { waited: isBusy(outcome) ? 'at-once' : null, deadline: null, clock, deliver: true };
}

/**
 * The part of a world key that the SQLite model contributes: committed values, and per connection its lock
 * state, its own uncommitted writes, its snapshot, and whether that snapshot is still the latest version
 * (the version number itself would make equal futures look different).
 */
export function sqliteKeyPart(sqlite: SqliteWorld): unknown {
  return [
    sqlite.committed,
    sqlite.connections.snapshots.map((c) => [
      c.value,
      c.context.own,
      c.context.snapshot,
      c.context.snapshotVersion === null ? null : c.context.snapshotVersion === sqlite.version,
    ]),
  ];
}
