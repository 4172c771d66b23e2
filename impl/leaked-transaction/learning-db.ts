/**
 * Seed 004's database calls that use `get_db_connection` and `with_db_retry` at fe4afe5, in TypeScript, on the
 * scenario's small schema (the rows and columns they touch):
 * - `recordDorkUsage`: learning_db.record_dork_usage's `_record`: an UPSERT of the dork's row, COMMIT;
 *   decorated, so an error leaving it makes the decorator run it again; its caller logs what finally escapes;
 * - `recordPatternSuccess`: learning_engine.record_success's `_update_pattern`: an UPSERT of the pattern's row,
 *   an UPDATE of its confidence score, COMMIT, inside `try: ... except Exception: pass` (so nothing escapes
 *   and the decorator never retries); it returns what it swallowed, which upstream just drops;
 * - `portalHealthReport`: portal_optimizer.get_portal_health_report's query through the thread's connection
 *   (upstream it reads domain_performance; here the dork's row, which makes the snapshot it reads visible), with
 *   no COMMIT after it.
 */
import { InjectedFault } from './injected-fault.js';
import type { StatementWords } from './legacy-connection.js';
import type { DbUtilsPolicy, RetryOptions, ThreadConnections } from './db-utils.js';
import { withDbConnection, withDbRetry } from './db-utils.js';

export const LEARNING_SCHEMA = `
CREATE TABLE learning_dork_performance (query_hash TEXT PRIMARY KEY, query TEXT NOT NULL, times_used INTEGER NOT NULL DEFAULT 0);
CREATE TABLE success_patterns (
  pattern_type TEXT NOT NULL, pattern_value TEXT NOT NULL,
  success_count INTEGER NOT NULL DEFAULT 0, fail_count INTEGER NOT NULL DEFAULT 0, confidence_score REAL,
  UNIQUE (pattern_type, pattern_value));
CREATE TABLE batch_jobs (name TEXT PRIMARY KEY, runs INTEGER NOT NULL);
INSERT INTO batch_jobs VALUES ('nightly', 0);`;

export const UPSERT_DORK =
  'INSERT INTO learning_dork_performance (query_hash, query, times_used) VALUES (?, ?, 1) ON CONFLICT(query_hash) DO UPDATE SET times_used = times_used + 1';
export const UPSERT_PATTERN =
  'INSERT INTO success_patterns (pattern_type, pattern_value, success_count) VALUES (?, ?, 1) ON CONFLICT(pattern_type, pattern_value) DO UPDATE SET success_count = success_count + 1';
export const UPDATE_CONFIDENCE =
  'UPDATE success_patterns SET confidence_score = CAST(success_count AS REAL) / (success_count + fail_count + 1.0) WHERE pattern_type = ? AND pattern_value = ?';
export const SELECT_DORK = 'SELECT times_used FROM learning_dork_performance WHERE query_hash = ?';

export const LEARNING_STATEMENTS: readonly string[] = [UPSERT_DORK, UPSERT_PATTERN, UPDATE_CONFIDENCE, SELECT_DORK];

/** The trace's words for these statements (the model prints the same). */
export const LEARNING_WORDS: StatementWords = {
  label(sql) {
    switch (sql) {
      case UPSERT_DORK:
        return 'UPSERT dork';
      case UPSERT_PATTERN:
        return 'UPSERT pattern';
      case UPDATE_CONFIDENCE:
        return 'UPDATE confidence';
      case SELECT_DORK:
        return 'SELECT dork';
      default:
        return sql;
    }
  },
  answer(sql, row) {
    return sql === SELECT_DORK ? `times_used = ${(row as { times_used: number } | undefined)?.times_used ?? 0}` : 'ok';
  },
};

export const DORK = { hash: 'dork-1', query: 'site:example.org "Vertrieb" Kontakt' } as const;
export const PATTERN = { type: 'domain', value: 'example.org' } as const;

/** What a learning call needs: the thread's connections, the database, the policy, the decorator's settings. */
export interface LearningDb {
  readonly connections: ThreadConnections;
  readonly path: string;
  readonly policy: DbUtilsPolicy;
  readonly retry: RetryOptions;
  /** Raise an error in `_update_pattern` right after its UPSERT (lockstep's fault; see injected-fault.ts). */
  readonly failAfterPatternUpsert: boolean;
}

/** `_record()` with its decorator; throws what the decorator finally raises. */
export function recordDorkUsage(db: LearningDb): void {
  withDbRetry(
    () =>
      withDbConnection(db.connections, db.path, db.policy, (conn) => {
        conn.execute(UPSERT_DORK, DORK.hash, DORK.query);
        conn.commit();
      }),
    db.retry,
  );
}

/** `_update_pattern()` with its decorator; returns the error its `except Exception: pass` swallowed, or null. */
export function recordPatternSuccess(db: LearningDb): unknown {
  return withDbRetry(
    () =>
      withDbConnection(db.connections, db.path, db.policy, (conn) => {
        try {
          conn.execute(UPSERT_PATTERN, PATTERN.type, PATTERN.value);
          if (db.failAfterPatternUpsert) conn.executeRaising(UPDATE_CONFIDENCE, new InjectedFault('_update_pattern, after its UPSERT'));
          else conn.execute(UPDATE_CONFIDENCE, PATTERN.type, PATTERN.value);
          conn.commit();
          return null;
        } catch (error) {
          return error;
        }
      }),
    db.retry,
  );
}

/** The health report's query, with its decorator; returns what it read. */
export function portalHealthReport(db: LearningDb): number {
  return withDbRetry(
    () => withDbConnection(db.connections, db.path, db.policy, (conn) => (conn.execute(SELECT_DORK, DORK.hash) as { times_used: number } | undefined)?.times_used ?? 0),
    db.retry,
  );
}
