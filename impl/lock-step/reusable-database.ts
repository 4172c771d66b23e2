import type Database from 'better-sqlite3';
import fs from 'node:fs';
import type { RealJournal, RealLockScript, RealLockStep, RealStepOutcome } from './lock-script.js';
import { runSteps } from './run-lock-script.js';
import { databaseFiles, seedDatabase } from './scratch-database.js';
import { StepConnection } from './step-connection.js';

/**
 * One database with its connections (busy timeout 0), kept open to run many lock scripts of the same shape
 * (journal, connection count, keys). Between scripts {@link reset} brings it back to the state a fresh
 * database starts in, and proves it did; if it cannot, the owner must {@link close} it and make a new one.
 */
export class ReusableDatabase {
  private readonly connections: StepConnection[] = [];
  private readonly zero: Database.Statement;
  private readonly checkpoint: Database.Statement | undefined;

  constructor(
    readonly file: string,
    readonly journal: RealJournal,
    connectionCount: number,
    keys: readonly string[],
  ) {
    seedDatabase(file, journal, keys);
    try {
      for (let i = 0; i < connectionCount; i++) {
        this.connections.push(new StepConnection(file, { busyTimeoutMs: 0, synchronousOff: true }));
      }
      const first = this.connections[0];
      if (first === undefined) throw new RangeError('ReusableDatabase: needs at least one connection');
      this.zero = first.db.prepare('UPDATE kv SET v = 0');
      this.checkpoint = journal === 'wal' ? first.db.prepare('PRAGMA wal_checkpoint(TRUNCATE)') : undefined;
    } catch (err) {
      this.close();
      throw err;
    }
  }

  /** The outcomes of `script`, whose shape must be this database's. Call {@link reset} before the next one. */
  run(script: RealLockScript): RealStepOutcome[] {
    return runSteps(script, this.connections);
  }

  /**
   * Rolls back whatever each connection left open, sets every v back to 0, and verifies that no connection is
   * left in a transaction or holding a lock: every connection is in autocommit; the reset UPDATE (autocommit,
   * timeout 0) got the write lock; in rollback mode each connection in turn can BEGIN EXCLUSIVE, which SQLite
   * refuses while any other connection holds SHARED, RESERVED or PENDING; in WAL mode each connection can
   * BEGIN IMMEDIATE (no one holds the write lock) and a TRUNCATE checkpoint completes (no reader holds an old
   * snapshot), which also empties the WAL as in a fresh database. Throws if any of that fails.
   */
  reset(): void {
    for (const c of this.connections) {
      if (c.db.inTransaction) expectOk(c, { conn: 0, op: 'rollback' }, 'ROLLBACK');
    }
    for (const [i, c] of this.connections.entries()) {
      if (c.db.inTransaction) throw new Error(`ReusableDatabase: connection ${i} still in a transaction after ROLLBACK`);
    }
    this.zero.run();
    for (const c of this.connections) {
      expectOk(c, { conn: 0, op: 'begin', mode: this.journal === 'delete' ? 'exclusive' : 'immediate' }, 'BEGIN');
      expectOk(c, { conn: 0, op: 'commit' }, 'COMMIT');
    }
    if (this.checkpoint !== undefined) {
      const row = this.checkpoint.get() as { busy: number } | undefined;
      if (row === undefined || row.busy !== 0) throw new Error('ReusableDatabase: WAL checkpoint blocked by a reader or writer');
    }
  }

  /** Closes every connection and deletes the database file and its journal/WAL files. */
  close(): void {
    try {
      for (const c of this.connections) c.close();
    } finally {
      for (const f of databaseFiles(this.file)) fs.rmSync(f, { force: true });
    }
  }
}

function expectOk(connection: StepConnection, step: RealLockStep, what: string): void {
  const outcome = connection.step(step);
  if (outcome.status !== 'ok') {
    throw new Error(`ReusableDatabase: ${what} during reset returned ${outcome.code ?? outcome.status}`);
  }
}
