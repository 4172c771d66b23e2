import Database from 'better-sqlite3';
import type { RealLockStep, RealStepOutcome } from './lock-script.js';
import { outcomeOfError } from './step-status.js';

/** The SQL each op runs (DESIGN.md, "Formats / Lock script"). */
export const STEP_SQL = {
  beginDeferred: 'BEGIN DEFERRED',
  beginImmediate: 'BEGIN IMMEDIATE',
  beginExclusive: 'BEGIN EXCLUSIVE',
  read: 'SELECT v FROM kv WHERE k = ?',
  write: 'UPDATE kv SET v = v + 1 WHERE k = ?',
  commit: 'COMMIT',
  rollback: 'ROLLBACK',
} as const;

type Statements = { readonly [K in keyof typeof STEP_SQL]: Database.Statement };

export interface StepConnectionOptions {
  /** better-sqlite3 `timeout`: the busy timeout in ms. 0 for lock-step runs (BUSY comes back at once). */
  readonly busyTimeoutMs: number;
  /**
   * Runs `PRAGMA synchronous=OFF`. It only skips fsync; the lock sequence is the same. Checked by
   * test/impl/lock-step-driver.test.ts ("synchronous=OFF changes no outcome").
   */
  readonly synchronousOff: boolean;
}

/**
 * One connection of a lock script, with its statements prepared once when it is opened. Preparing reads the
 * schema, so it must happen before any step can hold a lock that would make the preparation itself busy.
 */
export class StepConnection {
  readonly db: Database.Database;
  private readonly statements: Statements;

  constructor(file: string, options: StepConnectionOptions) {
    this.db = new Database(file, { timeout: options.busyTimeoutMs, fileMustExist: true });
    try {
      if (options.synchronousOff) this.db.pragma('synchronous = OFF');
      const prepared: Partial<Record<keyof typeof STEP_SQL, Database.Statement>> = {};
      for (const name of Object.keys(STEP_SQL) as (keyof typeof STEP_SQL)[]) {
        prepared[name] = this.db.prepare(STEP_SQL[name]);
      }
      prepared.read = prepared.read?.pluck();
      this.statements = prepared as Statements;
    } catch (err) {
      this.db.close();
      throw err;
    }
  }

  /**
   * Runs one step and reports what SQLite decided. A SqliteError is an outcome; an unknown op or any other
   * exception propagates. `inTransaction` is read after the step.
   */
  step(step: RealLockStep): RealStepOutcome {
    const s = this.statements;
    try {
      switch (step.op) {
        case 'begin':
          this.statementOfBegin(step.mode).run();
          break;
        case 'read': {
          const value: unknown = s.read.get(step.key);
          if (typeof value !== 'number') throw new Error(`lock script: no row for key ${JSON.stringify(step.key)}`);
          return { status: 'ok', value, inTransaction: this.db.inTransaction };
        }
        case 'write':
          if (s.write.run(step.key).changes !== 1) {
            throw new Error(`lock script: no row for key ${JSON.stringify(step.key)}`);
          }
          break;
        case 'commit':
          s.commit.run();
          break;
        case 'rollback':
          s.rollback.run();
          break;
        default:
          throw new Error(`lock script: unknown op ${JSON.stringify((step as { op?: unknown }).op)}`);
      }
    } catch (err) {
      return outcomeOfError(err, this.db);
    }
    return { status: 'ok', inTransaction: this.db.inTransaction };
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private statementOfBegin(mode: string): Database.Statement {
    switch (mode) {
      case 'deferred':
        return this.statements.beginDeferred;
      case 'immediate':
        return this.statements.beginImmediate;
      case 'exclusive':
        return this.statements.beginExclusive;
      default:
        throw new Error(`lock script: unknown begin mode ${JSON.stringify(mode)}`);
    }
  }
}
