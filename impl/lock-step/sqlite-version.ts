/** The version of the SQLite library that better-sqlite3 was built with, as `SELECT sqlite_version()` reports it. */
import Database from 'better-sqlite3';

let cached: string | null = null;

export function sqliteVersion(): string {
  if (cached === null) {
    const db = new Database(':memory:');
    try {
      cached = (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
    } finally {
      db.close();
    }
  }
  return cached;
}
