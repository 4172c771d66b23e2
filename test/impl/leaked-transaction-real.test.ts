/**
 * Seed 004's connection code in TypeScript (impl/leaked-transaction/) on real SQLite with a real busy timeout
 * and no lock-step driver: Python's legacy rules (implicit BEGIN before a write only, no rollback on error), the
 * poisoning of a thread's connection and what each fix does to it, the leaked write lock; and the lock-step
 * run leaves nothing behind.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { sqliteCodeOf } from '../../impl/tickets/tickets.real-engine.js';
import type { DbUtilsPolicy } from '../../impl/leaked-transaction/db-utils.js';
import { ThreadConnections, UPSTREAM_POLICY, isLockedError, withDbRetry } from '../../impl/leaked-transaction/db-utils.js';
import { InjectedFault } from '../../impl/leaked-transaction/injected-fault.js';
import { isDml, LegacyConnection } from '../../impl/leaked-transaction/legacy-connection.js';
import type { LearningDb } from '../../impl/leaked-transaction/learning-db.js';
import { LEARNING_SCHEMA, LEARNING_STATEMENTS, LEARNING_WORDS, portalHealthReport, recordDorkUsage, recordPatternSuccess } from '../../impl/leaked-transaction/learning-db.js';
import { BUMP_BATCH } from '../../impl/leaked-transaction/long-transaction-job.js';
import { openLeakedTransactionRun } from '../../impl/leaked-transaction/leaked-transaction.real-engine.js';
import { SyncStatementRunner } from '../../impl/leaked-transaction/sync-statement-runner.js';

/** A synchronous sleep, as time.sleep is for the Python thread. */
const sleep = (ms: number): void => void Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

describe('leaked-transaction real code (no driver, real busy timeout)', () => {
  let dir: string;
  let file: string;
  const open: Database.Database[] = [];
  const connect = (timeout: number): Database.Database => {
    const db = new Database(file, { timeout });
    open.push(db);
    return db;
  };

  /** A luca thread: its own connection (a real 20 ms busy timeout), the learning calls with a 3-attempt decorator. */
  function lucaThread(policy: DbUtilsPolicy, failAfterPatternUpsert = false): { db: LearningDb; runner: SyncStatementRunner } {
    const runner = new SyncStatementRunner(connect(20), () => undefined, 0);
    const connections = new ThreadConnections(() => new LegacyConnection(runner, policy.isolationLevel, LEARNING_STATEMENTS, LEARNING_WORDS));
    return { runner, db: { connections, path: file, policy, retry: { maxRetries: 3, delayMs: 1, sleep }, failAfterPatternUpsert } };
  }

  /** Another job holding the write lock until `release()`. */
  function holdWriteLock(): { release(): void } {
    const job = connect(0);
    job.exec('BEGIN IMMEDIATE');
    job.prepare(BUMP_BATCH).run();
    return { release: () => job.exec('COMMIT') };
  }

  const codeOf = (fn: () => unknown): string | null => {
    try {
      fn();
      return null;
    } catch (error) {
      return sqliteCodeOf(error) ?? String(error);
    }
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lockstep-test-'));
    file = join(dir, 'learning.db');
    const setup = new Database(file);
    setup.exec(LEARNING_SCHEMA);
    setup.pragma('journal_mode = WAL');
    setup.close();
  });

  afterEach(() => {
    for (const db of open.splice(0)) if (db.open) db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("Python's DML test: INSERT, UPDATE, DELETE, REPLACE open a transaction, after blanks and comments; SELECT and PRAGMA do not", () => {
    for (const sql of ['INSERT INTO t VALUES (1)', '  update t set v = 1', '-- note\nDELETE FROM t', '/* x */ REPLACE INTO t VALUES (1)']) assert.equal(isDml(sql), true, sql);
    for (const sql of ['SELECT 1', 'PRAGMA journal_mode', 'BEGIN', 'WITH x AS (SELECT 1) SELECT * FROM x', 'inserted']) assert.equal(isDml(sql), false, sql);
  });

  it('the decorator retries on "locked" (SQLITE_BUSY_SNAPSHOT reads "database is locked" too), not on other errors', () => {
    let calls = 0;
    const locked = Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY_SNAPSHOT' });
    assert.throws(() => withDbRetry(() => ((calls += 1), (() => { throw locked; })()), { maxRetries: 4, delayMs: 0, sleep: () => undefined }), locked);
    assert.equal(calls, 4);
    calls = 0;
    assert.throws(() => withDbRetry(() => ((calls += 1), (() => { throw new Error('disk I/O error'); })()), { maxRetries: 4, delayMs: 0, sleep: () => undefined }), /disk/);
    assert.equal(calls, 1);
    assert.equal(isLockedError(new InjectedFault('here')), false);
  });

  it('upstream: a failed record leaves its transaction open, the report reads inside it, and after the other job commits every record fails with SQLITE_BUSY_SNAPSHOT', () => {
    const { db, runner } = lucaThread(UPSTREAM_POLICY);
    const job = holdWriteLock();
    assert.equal(codeOf(() => recordDorkUsage(db)), 'SQLITE_BUSY');
    assert.equal(runner.db.inTransaction, true, 'nothing rolled the implicit BEGIN back');
    assert.equal(portalHealthReport(db), 0);
    job.release();
    for (let call = 0; call < 3; call++) assert.equal(codeOf(() => recordDorkUsage(db)), 'SQLITE_BUSY_SNAPSHOT', `record ${call + 2}`);
    assert.equal(runner.db.inTransaction, true);
    assert.deepEqual(
      runner.records.filter((r) => r.action === 'BEGIN (implicit)').map((r) => r.outcome),
      ['ok'],
      'one implicit BEGIN in all: every later attempt ran inside the same transaction',
    );
  });

  it('upstream without the read: after the other job commits, the next record succeeds in the transaction the failed one left open', () => {
    const { db, runner } = lucaThread(UPSTREAM_POLICY);
    const job = holdWriteLock();
    assert.equal(codeOf(() => recordDorkUsage(db)), 'SQLITE_BUSY');
    job.release();
    assert.equal(codeOf(() => recordDorkUsage(db)), null);
    assert.equal(runner.db.inTransaction, false);
  });

  for (const [name, policy] of [
    ['rollback before retry', { ...UPSTREAM_POLICY, rollbackOnError: true }],
    ['BEGIN IMMEDIATE', { ...UPSTREAM_POLICY, isolationLevel: 'IMMEDIATE' }],
    ['rollback on exit', { ...UPSTREAM_POLICY, rollbackOnExit: true }],
  ] as const) {
    it(`${name}: the failed record leaves no transaction, the report reads in autocommit, and the next record succeeds`, () => {
      const { db, runner } = lucaThread(policy);
      const job = holdWriteLock();
      assert.equal(codeOf(() => recordDorkUsage(db)), 'SQLITE_BUSY');
      assert.equal(runner.db.inTransaction, false);
      assert.equal(portalHealthReport(db), 0);
      job.release();
      assert.equal(codeOf(() => recordDorkUsage(db)), null);
      assert.deepEqual(connect(0).prepare('SELECT times_used AS n FROM learning_dork_performance').get(), { n: 1 });
    });
  }

  it("upstream: _update_pattern swallows the error after its UPSERT and keeps the write lock; another connection's write is refused until the thread next commits", () => {
    const { db, runner } = lucaThread(UPSTREAM_POLICY, true);
    const swallowed = recordPatternSuccess(db);
    assert.ok(swallowed instanceof InjectedFault);
    assert.equal(runner.holdsWriteLock, true);
    const other = connect(0);
    assert.equal(codeOf(() => other.exec('BEGIN IMMEDIATE')), 'SQLITE_BUSY');
    recordDorkUsage({ ...db, failAfterPatternUpsert: false });
    assert.equal(runner.holdsWriteLock, false, "the thread's next record committed the leaked transaction with its own");
    assert.equal(codeOf(() => other.exec('BEGIN IMMEDIATE; ROLLBACK')), null);
  });

  it('rollback on exit: the swallowed error is rolled back when the block ends, and the lock is free at once', () => {
    const { db, runner } = lucaThread({ ...UPSTREAM_POLICY, rollbackOnExit: true }, true);
    assert.ok(recordPatternSuccess(db) instanceof InjectedFault);
    assert.equal(runner.holdsWriteLock, false);
    assert.equal(codeOf(() => connect(0).exec('BEGIN IMMEDIATE; ROLLBACK')), null);
  });
});

describe('leaked-transaction lock-step run', () => {
  it('closes every thread and removes its folder, after a whole run and after a partial one', async () => {
    const parentDir = mkdtempSync(join(tmpdir(), 'lockstep-parent-'));
    try {
      const options = {
        policy: UPSTREAM_POLICY,
        maxAttempts: 2,
        baseDelayMs: 100,
        busyTimeoutMs: 30_000,
        holder: 'leaked-lock' as const,
        holdMs: 1000,
        workMs: 1000,
        laterRecords: 0,
        report: 'after-record' as const,
        parentDir,
      };
      const partial = await openLeakedTransactionRun(options);
      await partial.step(1);
      assert.equal(existsSync(partial.dir), true);
      await partial.close();
      assert.equal(existsSync(partial.dir), false);
      await assert.rejects(partial.step(0), /closed/);
      await assert.rejects(openLeakedTransactionRun({ ...options, maxAttempts: 0 }), /maxAttempts/);
      assert.deepEqual(readdirSync(parentDir), []);
    } finally {
      rmSync(parentDir, { recursive: true, force: true });
    }
  });
});
