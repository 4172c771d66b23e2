/**
 * Seed 004's `luca_scraper/db_utils.py` (fe4afe5) in TypeScript: `get_db_connection` (the calling thread's own
 * connection, created on first use and kept for the thread's whole life) and `with_db_retry` (run the whole
 * function again on "locked", sleeping 0.1 s, 0.2 s, ... in between). In a worker thread, module state is the
 * thread's own, so `ThreadConnections` held by the worker module is Python's `threading.local()`.
 *
 * What the block does when it ends is the policy (the scenario's variants):
 * - upstream: nothing (no COMMIT, no ROLLBACK; it only logs a lock error and re-raises it);
 * - `rollbackOnError`: ROLLBACK when an exception leaves the block, so the decorator retries on a connection
 *   with no transaction open;
 * - `rollbackOnExit`: ROLLBACK of whatever is still open when the block ends, however it ends (an error that
 *   the body swallowed included).
 * Time is injected: `sleep` is the virtual clock's under the lock-step driver.
 */
import type { IsolationLevel, LegacyConnection } from './legacy-connection.js';

export interface DbUtilsPolicy {
  /** Python's isolation_level for the thread's connection ('' upstream). */
  readonly isolationLevel: IsolationLevel;
  readonly rollbackOnError: boolean;
  readonly rollbackOnExit: boolean;
}

export const UPSTREAM_POLICY: DbUtilsPolicy = { isolationLevel: '', rollbackOnError: false, rollbackOnExit: false };

/** `threading.local().connections`: one connection per database path, opened on first use, never closed. */
export class ThreadConnections {
  private readonly connections = new Map<string, LegacyConnection>();

  constructor(private readonly connect: (path: string) => LegacyConnection) {}

  get(path: string): LegacyConnection {
    let connection = this.connections.get(path);
    if (connection === undefined) {
      connection = this.connect(path);
      this.connections.set(path, connection);
    }
    return connection;
  }
}

/** `with get_db_connection(path) as conn:` around `body`. */
export function withDbConnection<T>(connections: ThreadConnections, path: string, policy: DbUtilsPolicy, body: (conn: LegacyConnection) => T): T {
  const conn = connections.get(path);
  try {
    return body(conn);
  } catch (error) {
    if (policy.rollbackOnError && conn.inTransaction) conn.rollback();
    throw error;
  } finally {
    if (policy.rollbackOnExit && conn.inTransaction) conn.rollback();
  }
}

/** with_db_retry's test: `"locked" in str(e).lower()` (SQLITE_BUSY and SQLITE_BUSY_SNAPSHOT both read "database is locked"). */
export function isLockedError(error: unknown): boolean {
  return error instanceof Error && error.message.toLowerCase().includes('locked');
}

export interface RetryOptions {
  /** max_retries: attempts in all (5 upstream). */
  readonly maxRetries: number;
  /** The first delay in ms (100 upstream); it doubles after each failed attempt. */
  readonly delayMs: number;
  readonly sleep: (ms: number) => void;
}

/** `@with_db_retry()` applied to `fn` and called: the whole function again on "locked", the last error raised. */
export function withDbRetry<T>(fn: () => T, options: RetryOptions): T {
  let delay = options.delayMs;
  let last: unknown = null;
  for (let attempt = 0; attempt < options.maxRetries; attempt++) {
    try {
      return fn();
    } catch (error) {
      if (!isLockedError(error)) throw error;
      last = error;
      if (attempt < options.maxRetries - 1) {
        options.sleep(delay);
        delay *= 2;
      }
    }
  }
  throw last;
}
