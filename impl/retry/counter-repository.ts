/**
 * The code under test of the retry scenario: a counter incremented by read-modify-write (SELECT the value,
 * UPDATE it to the value plus one) inside a transaction, as the seeds' services do with their metrics rows,
 * under the retry decorator (retry-decorator.ts) in one of three ways:
 * - `statement`: the decorator wraps each statement (`@with_db_retry` on the execute helper), so a failed
 *   statement is retried inside the same transaction;
 * - `transaction`: the decorator wraps the whole transaction, which rolls back on the error and runs again;
 * - `none`: no decorator; the transaction begins IMMEDIATE and lets SQLite's busy timeout do the waiting.
 *
 * The transaction context manager: BEGIN, body, COMMIT; on any error ROLLBACK if a transaction is still open
 * (a failed BEGIN leaves none), and rethrow. Statements go through a StatementRunner (the tickets seam) and
 * are prepared when the repository is built, so preparing never becomes a step.
 */
import type Database from 'better-sqlite3';
import type { StatementRunner } from '../tickets/ticket-repository.js';
import { withRetry, type RetryOptions } from './retry-decorator.js';

export type RetryPolicy = 'statement' | 'transaction' | 'none';
export type CounterBeginMode = 'deferred' | 'immediate';

export const COUNTER_SCHEMA = "CREATE TABLE counter (k TEXT PRIMARY KEY, v INTEGER NOT NULL); INSERT INTO counter VALUES ('counter', 0)";

type Wrap = <T>(operation: () => Promise<T>) => Promise<T>;
const direct: Wrap = (operation) => operation();

export class CounterRepository {
  private readonly db: Database.Database;
  private readonly begin: Record<CounterBeginMode, Database.Statement>;
  private readonly commit: Database.Statement;
  private readonly rollback: Database.Statement;
  private readonly select: Database.Statement<[], { v: number }>;
  private readonly update: Database.Statement<[number]>;

  constructor(
    private readonly runner: StatementRunner,
    readonly mode: CounterBeginMode,
    readonly policy: RetryPolicy,
    private readonly retry: RetryOptions,
  ) {
    const { db } = runner;
    this.db = db;
    this.begin = { deferred: db.prepare('BEGIN DEFERRED'), immediate: db.prepare('BEGIN IMMEDIATE') };
    this.commit = db.prepare('COMMIT');
    this.rollback = db.prepare('ROLLBACK');
    this.select = db.prepare<[], { v: number }>("SELECT v FROM counter WHERE k = 'counter'");
    this.update = db.prepare<[number]>("UPDATE counter SET v = ? WHERE k = 'counter'");
  }

  /** Adds one to the counter; resolves with the value written, or throws the error the caller gets. */
  increment(): Promise<number> {
    const retried: Wrap = (operation) => withRetry(operation, this.retry);
    switch (this.policy) {
      case 'statement':
        return this.transaction(retried, () => this.readModifyWrite(retried));
      case 'transaction':
        return retried(() => this.transaction(direct, () => this.readModifyWrite(direct)));
      case 'none':
        return this.transaction(direct, () => this.readModifyWrite(direct));
    }
  }

  private async readModifyWrite(wrap: Wrap): Promise<number> {
    const row = await wrap(() => this.runner.statement('read', 'SELECT counter', () => this.select.get(), (r) => `counter = ${r?.v ?? 'missing'}`));
    const value = (row?.v ?? 0) + 1;
    await wrap(() => this.runner.statement('write', `UPDATE counter SET v = ${value}`, () => this.update.run(value)));
    return value;
  }

  /** BEGIN, body, COMMIT (each through `wrap`); on any error ROLLBACK if a transaction is open, and rethrow. */
  private async transaction<T>(wrap: Wrap, body: () => Promise<T>): Promise<T> {
    try {
      const begin = this.begin[this.mode];
      await wrap(() => this.runner.statement(this.mode === 'immediate' ? 'begin-immediate' : 'begin-deferred', `BEGIN ${this.mode.toUpperCase()}`, () => begin.run()));
      const result = await body();
      await wrap(() => this.runner.statement('commit', 'COMMIT', () => this.commit.run()));
      return result;
    } catch (error) {
      if (this.db.inTransaction) {
        try {
          await this.runner.statement('rollback', 'ROLLBACK', () => this.rollback.run());
        } catch {
          // The original error is the one worth reporting.
        }
      }
      throw error;
    }
  }
}
