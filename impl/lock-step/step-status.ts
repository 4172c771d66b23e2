import Database from 'better-sqlite3';
import type { RealStepOutcome, RealStepStatus } from './lock-script.js';

/**
 * The status of a failed step, from the extended result code name better-sqlite3 puts on `SqliteError.code`:
 * SQLITE_BUSY_SNAPSHOT is 'busy_snapshot' (WAL: the snapshot is stale, only ROLLBACK helps); SQLITE_BUSY and
 * every other SQLITE_BUSY_* (RECOVERY, TIMEOUT) is 'busy'; anything else is 'error'.
 */
export function statusOfCode(code: string): Exclude<RealStepStatus, 'ok'> {
  if (code === 'SQLITE_BUSY_SNAPSHOT') return 'busy_snapshot';
  if (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_')) return 'busy';
  return 'error';
}

/**
 * The outcome of a step that threw `err`. Only a SqliteError is an outcome; anything else (a bug, a bad
 * script) is rethrown so that it is never mistaken for something SQLite decided.
 */
export function outcomeOfError(err: unknown, db: Database.Database): RealStepOutcome {
  if (!(err instanceof Database.SqliteError)) throw err;
  return { status: statusOfCode(err.code), code: err.code, inTransaction: db.inTransaction };
}
