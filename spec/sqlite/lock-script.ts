/**
 * The lock-script format of DESIGN.md ("Formats / Lock script"): a fixed sequence of SQL steps over several
 * connections to one fresh database holding `kv(k TEXT PRIMARY KEY, v INTEGER NOT NULL)`, one row per key,
 * each starting at v = 0. Both engines answer a script with one {@link StepOutcome} per step.
 *
 * impl/ may not import spec/, so impl/lock-step/lock-script.ts declares the same shapes on its own;
 * test/lock-script-format.test.ts proves at compile time that the two declarations are interchangeable.
 */

export type Journal = 'delete' | 'wal';
export const JOURNALS: readonly Journal[] = ['delete', 'wal'];

export type BeginMode = 'deferred' | 'immediate' | 'exclusive';
export const BEGIN_MODES: readonly BeginMode[] = ['deferred', 'immediate', 'exclusive'];

/** One SQL statement of one connection. `read` and `write` outside a transaction run in autocommit. */
export type LockStep =
  | { readonly conn: number; readonly op: 'begin'; readonly mode: BeginMode }
  | { readonly conn: number; readonly op: 'read'; readonly key: string }
  | { readonly conn: number; readonly op: 'write'; readonly key: string }
  | { readonly conn: number; readonly op: 'commit' }
  | { readonly conn: number; readonly op: 'rollback' };

export type LockOp = LockStep['op'];
export const LOCK_OPS: readonly LockOp[] = ['begin', 'read', 'write', 'commit', 'rollback'];

export interface LockScript {
  readonly journal: Journal;
  /** 1 to {@link MAX_CONNECTIONS}. */
  readonly connections: number;
  /** Default `["a"]`. */
  readonly keys: readonly string[];
  readonly steps: readonly LockStep[];
}

export const MAX_CONNECTIONS = 8;

export type StepStatus = 'ok' | 'busy' | 'busy_snapshot' | 'error';

/**
 * What one step did. `code` is present whenever status is not ok (the extended result code name as
 * better-sqlite3 reports it); `value` for a read that succeeded; `inTransaction` is the connection's state
 * after the step. `wouldWait` is the model's claim, on a busy outcome, of whether SQLite's busy handler would
 * have been invoked (the real lock-step driver runs with busy timeout 0 and cannot see it).
 */
export interface StepOutcome {
  readonly status: StepStatus;
  readonly code?: string;
  readonly value?: number;
  readonly inTransaction: boolean;
  readonly wouldWait?: boolean;
}

/** The SQL text a step stands for, as the real driver runs it (also used to label steps in output). */
export function stepSql(step: LockStep): string {
  switch (step.op) {
    case 'begin':
      return `BEGIN ${step.mode.toUpperCase()}`;
    case 'read':
      return `SELECT v FROM kv WHERE k = '${step.key}'`;
    case 'write':
      return `UPDATE kv SET v = v + 1 WHERE k = '${step.key}'`;
    case 'commit':
      return 'COMMIT';
    case 'rollback':
      return 'ROLLBACK';
  }
}
