/**
 * Whether SQLite's busy handler would have been invoked for a statement that came back SQLITE_BUSY on a
 * connection with busy timeout 0 (the lock-step driver's setting), by SQLite's documented rule, re-observed
 * in impl/lock-step/OBSERVATIONS.md: btree.c sqlite3BtreeBeginTrans retries through the busy handler only
 * while the connection has no read transaction open; pager.c waits (pager_wait_on_lock) for EXCLUSIVE in
 * rollback mode whoever asks, so COMMIT and anything else that needs EXCLUSIVE there always waits; a
 * SQLITE_BUSY_SNAPSHOT never waits. test/impl/busy-handler-rule.test.ts checks this rule against real blocking
 * (a real busy timeout, every busy statement timed).
 */
export type StatementKind = 'begin-deferred' | 'begin-immediate' | 'begin-exclusive' | 'read' | 'write' | 'commit' | 'rollback';

export function busyHandlerWouldWait(
  journal: 'delete' | 'wal',
  kind: StatementKind,
  code: string,
  holdsReadTransaction: boolean,
): boolean {
  if (code === 'SQLITE_BUSY_SNAPSHOT') return false;
  if (!holdsReadTransaction) return true;
  if (journal === 'delete' && (kind === 'commit' || kind === 'begin-exclusive')) return true;
  return false;
}
