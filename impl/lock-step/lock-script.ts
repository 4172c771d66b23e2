/**
 * The lock-script format of DESIGN.md, declared here for the real side. impl/ may not import spec/ (the real
 * code must not consult the model), so these shapes repeat spec/sqlite/lock-script.ts;
 * test/lock-script-format.test.ts checks at compile time that each is assignable to the other.
 */

export type RealJournal = 'delete' | 'wal';
export type RealBeginMode = 'deferred' | 'immediate' | 'exclusive';

export type RealLockStep =
  | { readonly conn: number; readonly op: 'begin'; readonly mode: RealBeginMode }
  | { readonly conn: number; readonly op: 'read'; readonly key: string }
  | { readonly conn: number; readonly op: 'write'; readonly key: string }
  | { readonly conn: number; readonly op: 'commit' }
  | { readonly conn: number; readonly op: 'rollback' };

export interface RealLockScript {
  readonly journal: RealJournal;
  readonly connections: number;
  readonly keys: readonly string[];
  readonly steps: readonly RealLockStep[];
}

export type RealStepStatus = 'ok' | 'busy' | 'busy_snapshot' | 'error';

export interface RealStepOutcome {
  readonly status: RealStepStatus;
  readonly code?: string;
  readonly value?: number;
  readonly inTransaction: boolean;
  readonly wouldWait?: boolean;
}
