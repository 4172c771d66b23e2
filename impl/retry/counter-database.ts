/**
 * The counter database of the retry and pool scenarios (one row `counter` in `counter(k, v)`), and the observer
 * that reads the committed counter between steps for the engines' observations.
 */
import Database from 'better-sqlite3';
import { isBusyCode, sqliteCodeOf } from '../tickets/tickets.real-engine.js';
import { COUNTER_SCHEMA } from './counter-repository.js';

/**
 * A worker's connection to the counter database: busy timeout 0 (the lock-step runners emulate the busy
 * handler) and synchronous=OFF, which skips fsync and changes no lock (test/impl/lock-step-driver.test.ts,
 * "synchronous=OFF changes no outcome"), so a COMMIT does not wait for the disk.
 */
export function openCounterConnection(file: string): Database.Database {
  const db = new Database(file, { timeout: 0, fileMustExist: true });
  db.pragma('synchronous = OFF');
  return db;
}

/** Creates the database at `file` with the counter at 0, in the given journal mode; no connection stays open. */
export function createCounterDatabase(file: string, journal: 'delete' | 'wal'): void {
  const setup = new Database(file, { timeout: 0 });
  try {
    // A scratch database: no fsync while it is made (it changes no lock, only durability of the setup).
    setup.pragma('synchronous = OFF');
    setup.exec(COUNTER_SCHEMA);
    if (journal === 'wal') setup.pragma('journal_mode = WAL');
  } finally {
    setup.close();
  }
}

/**
 * Reads the committed counter in autocommit, on a read-only connection with busy timeout 0, so it never holds a
 * lock while a worker steps and never waits. In rollback mode a worker holding PENDING refuses the observer's
 * SHARED; the last reading then stands (nobody can have committed since that worker took RESERVED).
 */
export class CounterObserver {
  private readonly db: Database.Database;
  private readonly select: Database.Statement<[], { v: number }>;
  private last = 0;

  constructor(file: string) {
    this.db = new Database(file, { timeout: 0, readonly: true });
    this.select = this.db.prepare<[], { v: number }>("SELECT v FROM counter WHERE k = 'counter'");
  }

  /** The committed counter now, or the last reading when a writer's PENDING lock refuses the read. */
  read(): number {
    if (!this.db.open) return this.last;
    try {
      this.last = this.select.get()?.v ?? 0;
    } catch (error) {
      if (!isBusyCode(sqliteCodeOf(error) ?? '')) throw error;
    }
    return this.last;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
