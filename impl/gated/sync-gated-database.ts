/**
 * A better-sqlite3 connection opened through lockstep, for ordinary synchronous code (the threads runtime):
 * it answers like better-sqlite3's Database and Statement (`prepare().run/get/all/iterate`, `pluck`, `raw`,
 * `expand`, `bind`, `exec`, `pragma`, `transaction()` with `.deferred/.immediate/.exclusive` and nesting through
 * savepoints), and every statement is a scheduling point: the calling thread stops before it until the
 * schedule picks its actor.
 *
 * Differences a user can see (docs/your-own-code.md):
 * - `exec(sql)` runs each statement of the text as a step of its own (split at its semicolons; a text holding a
 *   CREATE TRIGGER is one step);
 * - `iterate()` reads every row in its one step and then iterates over them (the statement does not stay open
 *   between rows, so it holds no lock while the code iterates);
 * - `prepare()` is not a step: prepare before the first statement, as the schema was loaded when the
 *   connection was opened;
 * - `backup()`, `serialize()`, `loadExtension()` are not offered; `function()`, `aggregate()`, `table()` are
 *   passed through (they register code, they run no statement).
 */
import type Database from 'better-sqlite3';
import type { SyncActorChannel } from './actor-channel.js';
import { ConnectionGate, describeAll, describeGet, describeOk, describeRun } from './connection-gate.js';
import { splitStatements } from './split-sql.js';
import { classifyStatement, type StatementClass } from './statement-class.js';

type Params = unknown[];

/** Runs one gated statement to its end: park, attempt, and park again while the virtual busy handler waits. */
function gatedSync<T>(channel: SyncActorChannel, gate: ConnectionGate, cls: StatementClass, text: string, run: () => T, describe: (value: T) => string): T {
  for (;;) {
    const resume = channel.park(gate.pending(cls, text));
    const attempt = gate.attempt(cls, text, run, resume, describe);
    if (attempt.done) return attempt.value;
  }
}

export class GatedStatement {
  private readonly cls: StatementClass;

  constructor(
    private readonly owner: GatedDatabase,
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
  get database(): GatedDatabase {
    return this.owner;
  }

  run(...params: Params): Database.RunResult {
    return this.owner.gated(this.cls, this.source, () => this.statement.run(...params), describeRun);
  }
  get(...params: Params): unknown {
    return this.owner.gated(this.cls, this.source, () => this.statement.get(...params), describeGet);
  }
  all(...params: Params): unknown[] {
    return this.owner.gated(this.cls, this.source, () => this.statement.all(...params), describeAll);
  }
  /** Every row is read in this one step; the iterator then walks them. */
  iterate(...params: Params): IterableIterator<unknown> {
    return this.all(...params)[Symbol.iterator]();
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

export interface GatedTransaction<A extends unknown[], R> {
  (...args: A): R;
  deferred(...args: A): R;
  immediate(...args: A): R;
  exclusive(...args: A): R;
}

const SAVEPOINT = 'SAVEPOINT "lockstep.tx"';
const RELEASE = 'RELEASE "lockstep.tx"';
const ROLLBACK_TO = 'ROLLBACK TO "lockstep.tx"';

export class GatedDatabase {
  private readonly gate: ConnectionGate;

  constructor(
    private readonly db: Database.Database,
    private readonly channel: SyncActorChannel,
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
  get memory(): boolean {
    return this.db.memory;
  }
  get readonly(): boolean {
    return this.db.readonly;
  }
  /** Whether this connection's actor is waiting in its virtual busy handler. */
  get waiting(): boolean {
    return this.gate.waiting;
  }

  /** @internal One gated statement. */
  gated<T>(cls: StatementClass, text: string, run: () => T, describe: (value: T) => string): T {
    return gatedSync(this.channel, this.gate, cls, text, run, describe);
  }

  prepare(source: string): GatedStatement {
    return new GatedStatement(this, this.db.prepare(source));
  }

  exec(source: string): this {
    for (const text of splitStatements(source)) {
      const statement = this.tryPrepare(text);
      if (statement === null) this.gated({ type: 'lock', kind: 'write' }, text, () => this.db.exec(text), describeOk);
      else this.gated(classifyStatement(text, statement.readonly), text, () => (statement.reader ? statement.all() : statement.run()), describeOk);
    }
    return this;
  }

  pragma(source: string, options: { simple?: boolean } = {}): unknown {
    const statement = this.db.prepare(`PRAGMA ${source}`);
    const cls = classifyStatement(statement.source, statement.readonly);
    if (options.simple === true) return this.gated(cls, statement.source, () => statement.pluck().get(), describeOk);
    return this.gated(cls, statement.source, () => statement.all(), describeAll);
  }

  transaction<A extends unknown[], R>(fn: (...args: A) => R): GatedTransaction<A, R> {
    const wrap = (begin: string) => (...args: A): R => {
      const nested = this.db.inTransaction;
      this.exec(nested ? SAVEPOINT : begin);
      try {
        const result = fn(...args);
        if (result !== null && typeof result === 'object' && typeof (result as { then?: unknown }).then === 'function') {
          throw new TypeError('Transaction function cannot return a promise');
        }
        this.exec(nested ? RELEASE : 'COMMIT');
        return result;
      } catch (error) {
        if (this.db.inTransaction) {
          this.exec(nested ? ROLLBACK_TO : 'ROLLBACK');
          if (nested) this.exec(RELEASE);
        }
        throw error;
      }
    };
    const tx = wrap('BEGIN') as GatedTransaction<A, R>;
    tx.deferred = wrap('BEGIN DEFERRED');
    tx.immediate = wrap('BEGIN IMMEDIATE');
    tx.exclusive = wrap('BEGIN EXCLUSIVE');
    return tx;
  }

  function(name: string, ...rest: unknown[]): this {
    (this.db.function as (name: string, ...rest: unknown[]) => unknown)(name, ...rest);
    return this;
  }
  aggregate(name: string, options: Database.AggregateOptions): this {
    this.db.aggregate(name, options);
    return this;
  }
  table(name: string, options: unknown): this {
    (this.db.table as (name: string, options: unknown) => unknown)(name, options);
    return this;
  }

  /** Closes the connection (lockstep also closes it when the actor finishes). Not a step. */
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
