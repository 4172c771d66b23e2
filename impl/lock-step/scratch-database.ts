import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RealJournal } from './lock-script.js';

/** Every temporary directory of the driver starts with this, under os.tmpdir(). */
export const SCRATCH_PREFIX = 'lockstep-';

/** A new empty directory of our own under os.tmpdir(). */
export function makeScratchDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), SCRATCH_PREFIX));
}

/** Removes a scratch directory and everything in it; a directory already gone is not an error. */
export function removeScratchDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}

/** The database file and the files SQLite keeps beside it. */
export function databaseFiles(file: string): string[] {
  return [file, `${file}-journal`, `${file}-wal`, `${file}-shm`];
}

/**
 * Creates the database of a lock script at `file`: `kv(k TEXT PRIMARY KEY, v INTEGER NOT NULL)`, one row per
 * key with v = 0, then `journal_mode=WAL` for 'wal' (persistent in the file header, so every connection opened
 * afterwards is in WAL mode; 'delete' keeps SQLite's default DELETE journal). The seeding connection is closed
 * before returning, so it holds no lock (closing the last WAL connection also checkpoints and removes the WAL).
 */
export function seedDatabase(file: string, journal: RealJournal, keys: readonly string[]): void {
  const db = new Database(file);
  try {
    db.pragma('synchronous = OFF');
    db.exec('CREATE TABLE kv (k TEXT PRIMARY KEY, v INTEGER NOT NULL)');
    const insert = db.prepare('INSERT INTO kv (k, v) VALUES (?, 0)');
    db.transaction(() => {
      for (const key of keys) insert.run(key);
    })();
    if (journal === 'wal') {
      const mode: unknown = db.pragma('journal_mode = WAL', { simple: true });
      if (mode !== 'wal') throw new Error(`lock script: could not set journal_mode=WAL (got ${String(mode)})`);
    }
  } finally {
    db.close();
  }
}
