/**
 * The run's database file: a template built once by the user's setup, and a fresh copy of it for every run
 * (a file copy is far cheaper than a new directory, a schema and its rows: issue 9, item 9). Connections are
 * opened with busy timeout 0 (lockstep waits virtually) and synchronous=OFF (it skips fsync only; the lock
 * sequence is the same, test/impl/lock-step-driver.test.ts), and load the schema when opened, so that no
 * later prepare() needs a lock.
 */
import Database from 'better-sqlite3';
import { copyFileSync, rmSync } from 'node:fs';
import type { Journal } from './scenario-definition.js';

/** Builds the template: runs `setup` on a fresh file, then sets the journal mode. */
export function buildTemplate(file: string, journal: Journal, setup: ((db: Database.Database) => void) | undefined): void {
  const db = new Database(file, { timeout: 0 });
  try {
    setup?.(db);
    if (journal === 'wal') db.pragma('journal_mode = WAL');
  } finally {
    db.close();
  }
}

/** Makes `file` a fresh copy of `template`; every connection to `file` must be closed. */
export function resetFromTemplate(template: string, file: string): void {
  for (const suffix of ['-wal', '-shm', '-journal']) rmSync(file + suffix, { force: true });
  copyFileSync(template, file);
}

const OPEN_TIMEOUT_MS = 2000;

/** Opens a raw connection for a gated one: busy timeout 0, schema loaded now. */
export function openRawConnection(file: string): Database.Database {
  // Opening may meet another thread's connection opening at the same moment (in WAL mode the first one to
  // open sets up the shared memory): a real busy timeout while opening only, busy timeout 0 once open.
  const db = new Database(file, { timeout: OPEN_TIMEOUT_MS, fileMustExist: true });
  try {
    db.pragma('synchronous = OFF');
    db.prepare('SELECT 1 FROM sqlite_schema LIMIT 1').get();
    db.pragma('busy_timeout = 0');
    return db;
  } catch (error) {
    db.close();
    throw new Error(`lockstep could not open a connection to the run's database (open every connection before the actor's first statement, while no other connection holds a lock): ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Removes a run's database file and whatever SQLite left beside it. */
export function removeDatabase(file: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(file + suffix, { force: true });
}
