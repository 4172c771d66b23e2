/**
 * A better-sqlite3 connection opened through lockstep for async code (the async runtime): the same surface as
 * GatedDatabase (sync-gated-database.ts) but every statement returns a promise, because an actor gives the
 * thread up at each statement until the schedule picks it again. `transaction(fn)` takes an async `fn`
 * (better-sqlite3's own refuses one: it cannot hold a transaction across an await, lockstep's can, one actor's
 * connection at a time). The differences listed in sync-gated-database.ts apply here too.
 */
import type Database from 'better-sqlite3';
import type { AsyncActorChannel } from './actor-channel.js';
import { ConnectionGate, describeAll, describeGet, describeOk, describeRun } from './connection-gate.js';
import { splitStatements } from './split-sql.js';
import { classifyStatement, type StatementClass } from './statement-class.js';

type Params = unknown[];

async function gatedAsync<T>(channel: AsyncActorChannel, gate: ConnectionGate, cls: StatementClass, text: string, run: () => T, describe: (value: T) => string): Promise<T> {
  for (;;) {
    const resume = await channel.park(gate.pending(cls, text));
    const attempt = gate.attempt(cls, text, run, resume, describe);
    if (attempt.done) return attempt.value;
  }
}

export class AsyncGatedStatement {
  private readonly cls: StatementClass;

  constructor(
    private readonly owner: AsyncGatedDatabase,
    private readonly statement: Database.Statement,
  ) {
    this.cls = classifyStatement(statement.source, statement.readonly);
  }

  get source(): string {
    return this.statement.source;
  }
  get reader(): boolean {
    return this.statement.reader;
  }
  get readonly(): boolean {
    return this.statement.readonly;
  }
  get database(): AsyncGatedDatabase {
    return this.owner;
  }

  run(...params: Params): Promise<Database.RunResult> {
    return this.owner.gated(this.cls, this.source, () => this.statement.run(...params), describeRun);
  }
  get(...params: Params): Promise<unknown> {
    return this.owner.gated(this.cls, this.source, () => this.statement.get(...params), describeGet);
  }
  all(...params: Params): Promise<unknown[]> {
    return this.owner.gated(this.cls, this.source, () => this.statement.all(...params), describeAll);
  }
  /** Every row is read in this one step; the iterator then walks them. */
  async iterate(...params: Params): Promise<IterableIterator<unknown>> {
    return (await this.all(...params))[Symbol.iterator]();
  }
  pluck(toggle?: boolean): this {
    this.statement.pluck(toggle);
    return this;
  }
  expand(toggle?: boolean): this {
    this.statement.expand(toggle);
    return this;
  }
  raw(toggle?: boolean): this {
    this.statement.raw(toggle);
    return this;
  }
  safeIntegers(toggle?: boolean): this {
    this.statement.safeIntegers(toggle);
    return this;
  }
  bind(...params: Params): this {
    this.statement.bind(...params);
    return this;
  }
  columns(): Database.ColumnDefinition[] {
    return this.statement.columns();
  }
}

export interface AsyncGatedTransaction<A extends unknown[], R> {
  (...args: A): Promise<R>;
  deferred(...args: A): Promise<R>;
  immediate(...args: A): Promise<R>;
  exclusive(...args: A): Promise<R>;
}

const SAVEPOINT = 'SAVEPOINT "lockstep.tx"';
const RELEASE = 'RELEASE "lockstep.tx"';
const ROLLBACK_TO = 'ROLLBACK TO "lockstep.tx"';

export class AsyncGatedDatabase {
  private readonly gate: ConnectionGate;

  constructor(
    private readonly db: Database.Database,
    private readonly channel: AsyncActorChannel,
    local: number,
    journal: 'delete' | 'wal',
    busyTimeoutMs: number,
  ) {
    this.gate = new ConnectionGate(db, local, journal, busyTimeoutMs, (record) => channel.record(record), channel.actor);
  }

  get inTransaction(): boolean {
    return this.db.inTransaction;
  }
  get open(): boolean {
    return this.db.open;
  }
  get name(): string {
    return this.db.name;
  }
  get waiting(): boolean {
    return this.gate.waiting;
  }

  /** @internal One gated statement. */
  gated<T>(cls: StatementClass, text: string, run: () => T, describe: (value: T) => string): Promise<T> {
    return gatedAsync(this.channel, this.gate, cls, text, run, describe);
  }

  prepare(source: string): AsyncGatedStatement {
    return new AsyncGatedStatement(this, this.db.prepare(source));
  }

  async exec(source: string): Promise<this> {
    for (const text of splitStatements(source)) {
      const statement = this.tryPrepare(text);
      if (statement === null) await this.gated({ type: 'lock', kind: 'write' }, text, () => this.db.exec(text), describeOk);
      else await this.gated(classifyStatement(text, statement.readonly), text, () => (statement.reader ? statement.all() : statement.run()), describeOk);
    }
    return this;
  }

  pragma(source: string, options: { simple?: boolean } = {}): Promise<unknown> {
    const statement = this.db.prepare(`PRAGMA ${source}`);
    const cls = classifyStatement(statement.source, statement.readonly);
    if (options.simple === true) return this.gated(cls, statement.source, () => statement.pluck().get(), describeOk);
    return this.gated(cls, statement.source, () => statement.all(), describeAll);
  }

  transaction<A extends unknown[], R>(fn: (...args: A) => Promise<R> | R): AsyncGatedTransaction<A, R> {
    const wrap = (begin: string) => async (...args: A): Promise<R> => {
      const nested = this.db.inTransaction;
      await this.exec(nested ? SAVEPOINT : begin);
      try {
        const result = await fn(...args);
        await this.exec(nested ? RELEASE : 'COMMIT');
        return result;
      } catch (error) {
        if (this.db.inTransaction) {
          await this.exec(nested ? ROLLBACK_TO : 'ROLLBACK');
          if (nested) await this.exec(RELEASE);
        }
        throw error;
      }
    };
    const tx = wrap('BEGIN') as AsyncGatedTransaction<A, R>;
    tx.deferred = wrap('BEGIN DEFERRED');
    tx.immediate = wrap('BEGIN IMMEDIATE');
    tx.exclusive = wrap('BEGIN EXCLUSIVE');
    return tx;
  }

  close(): this {
    if (this.db.open) this.db.close();
    return this;
  }

  private tryPrepare(text: string): Database.Statement | null {
    try {
      return this.db.prepare(text);
    } catch (error) {
      if (error instanceof RangeError || (error instanceof Error && /more than one statement/.test(error.message))) return null;
      throw error;
    }
  }
}
