import path from 'node:path';
import type { RealLockScript, RealStepOutcome } from './lock-script.js';
import { ReusableDatabase } from './reusable-database.js';
import { makeScratchDir, removeScratchDir } from './scratch-database.js';
import { checkScript } from './validate-script.js';

export interface LockStepPoolOptions {
  /** How many databases (one per script shape) stay open at most; the least recently used is closed first. Default 32. */
  readonly maxDatabases?: number;
}

export interface LockStepPoolStats {
  /** Databases created (a script of a new shape, or a replacement for a discarded one). */
  readonly created: number;
  /** Scripts run on a database that an earlier script had used and reset. */
  readonly reused: number;
  /** Databases dropped because a script threw or the reset could not prove a clean state. */
  readonly discarded: number;
}

/**
 * The fast path of runLockScript: gives the same outcomes (checked by test/impl/lock-step-driver.test.ts over
 * varied scripts) but keeps one database per script shape (journal + connections + keys), resetting it between
 * scripts instead of creating a directory, a file and its connections each time. One temporary directory per
 * pool, removed by {@link close}; call close() when done (in a finally).
 */
export class LockStepPool {
  private dir: string | undefined;
  private closed = false;
  private nextFile = 0;
  private readonly databases = new Map<string, ReusableDatabase>();
  private readonly maxDatabases: number;
  private counts = { created: 0, reused: 0, discarded: 0 };

  constructor(options: LockStepPoolOptions = {}) {
    this.maxDatabases = options.maxDatabases ?? 32;
    if (!Number.isInteger(this.maxDatabases) || this.maxDatabases < 1) {
      throw new RangeError(`LockStepPool: maxDatabases must be a positive integer, got ${String(options.maxDatabases)}`);
    }
  }

  get stats(): LockStepPoolStats {
    return { ...this.counts };
  }

  /**
   * Real SQLite's outcomes for `script`, as runLockScript gives them (busy timeout 0). A non-SQLite exception
   * propagates and the database it happened on is discarded, so the next script starts clean.
   */
  run(script: RealLockScript): RealStepOutcome[] {
    if (this.closed) throw new Error('LockStepPool: closed');
    checkScript(script);
    const key = shapeKey(script);
    const database = this.take(key, script);
    let outcomes: RealStepOutcome[];
    try {
      outcomes = database.run(script);
    } catch (err) {
      this.discard(database);
      throw err;
    }
    try {
      database.reset();
    } catch {
      // The outcomes stand (the database was clean when the script began); only this database is unusable.
      this.discard(database);
      return outcomes;
    }
    this.databases.set(key, database);
    return outcomes;
  }

  /** Closes every database and removes the pool's directory. The pool cannot be used afterwards. */
  close(): void {
    this.closed = true;
    try {
      for (const database of this.databases.values()) database.close();
    } finally {
      this.databases.clear();
      if (this.dir !== undefined) removeScratchDir(this.dir);
      this.dir = undefined;
    }
  }

  /** Removes the database for `key` from the map (it is put back after a clean reset), or makes a new one. */
  private take(key: string, script: RealLockScript): ReusableDatabase {
    const kept = this.databases.get(key);
    if (kept !== undefined) {
      this.databases.delete(key);
      this.counts.reused++;
      return kept;
    }
    while (this.databases.size >= this.maxDatabases) {
      const [oldestKey, oldest] = this.databases.entries().next().value as [string, ReusableDatabase];
      this.databases.delete(oldestKey);
      oldest.close();
    }
    this.dir ??= makeScratchDir();
    const file = path.join(this.dir, `db-${this.nextFile++}.sqlite`);
    this.counts.created++;
    return new ReusableDatabase(file, script.journal, script.connections, script.keys);
  }

  private discard(database: ReusableDatabase): void {
    this.counts.discarded++;
    database.close();
  }
}

/** Scripts of the same shape can share a database. */
function shapeKey(script: RealLockScript): string {
  return JSON.stringify([script.journal, script.connections, script.keys]);
}
