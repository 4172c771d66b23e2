/**
 * Python's `sqlite3.Connection` in its default transaction mode ("legacy", `isolation_level=''`), in
 * TypeScript over a better-sqlite3 connection, as seed 004's code meets it. CPython's rules
 * (Modules/_sqlite/cursor.c, statement.c; unchanged from 3.6 to 3.12 in legacy mode):
 * - before executing a statement whose first keyword (after blanks and comments) is INSERT, UPDATE, DELETE or
 *   REPLACE, when the connection is in autocommit (no transaction open), it sends `BEGIN` (or `BEGIN
 *   IMMEDIATE` with `isolation_level='IMMEDIATE'`): a statement of its own, so here a step of its own;
 * - before anything else (a SELECT, a PRAGMA) it sends nothing: a read outside a transaction is autocommit, a
 *   read inside one runs in it;
 * - when a statement fails it rolls nothing back: the transaction stays open;
 * - `commit()` and `rollback()` send COMMIT / ROLLBACK only when a transaction is open.
 * Statements are prepared once, before any step (Python keeps a statement cache), so preparing never becomes
 * a step and never meets a lock.
 */
import type Database from 'better-sqlite3';
import type { StatementKind } from '../lock-step/busy-handler-rule.js';
import type { SyncStatementRunner } from './sync-statement-runner.js';

/** Python's `isolation_level` in legacy mode: '' (the default) sends a deferred BEGIN, 'IMMEDIATE' a BEGIN IMMEDIATE. */
export type IsolationLevel = '' | 'IMMEDIATE';

/** Whether Python opens a transaction before `sql`: its first keyword is INSERT, UPDATE, DELETE or REPLACE. */
export function isDml(sql: string): boolean {
  const text = sql.replace(/^(\s+|--[^\n]*(\n|$)|\/\*[\s\S]*?\*\/)*/, '');
  return /^(insert|update|delete|replace)\b/i.test(text);
}

function kindOf(sql: string): StatementKind {
  if (isDml(sql)) return 'write';
  const word = sql.trim().split(/\s+/, 2).map((w) => w.toUpperCase());
  if (word[0] === 'BEGIN') return word[1] === 'IMMEDIATE' ? 'begin-immediate' : word[1] === 'EXCLUSIVE' ? 'begin-exclusive' : 'begin-deferred';
  if (word[0] === 'COMMIT' || word[0] === 'END') return 'commit';
  if (word[0] === 'ROLLBACK') return 'rollback';
  return 'read';
}

/** How the step records name a statement, and a query's answer. */
export interface StatementWords {
  label(sql: string): string;
  answer(sql: string, row: unknown): string;
}

export class LegacyConnection {
  private readonly cache = new Map<string, Database.Statement>();

  /**
   * `words` name each statement and a query's answer in the step records (a trace shows `UPSERT dork`, not the
   * whole text). Every statement the code will run is prepared here, before the first step.
   */
  constructor(
    private readonly runner: SyncStatementRunner,
    readonly isolationLevel: IsolationLevel,
    statements: readonly string[],
    private readonly words: StatementWords,
  ) {
    const begin = isolationLevel === 'IMMEDIATE' ? 'BEGIN IMMEDIATE' : 'BEGIN';
    for (const sql of [begin, 'COMMIT', 'ROLLBACK', ...statements]) this.cache.set(sql, runner.db.prepare(sql));
  }

  get inTransaction(): boolean {
    return this.runner.db.inTransaction;
  }

  /** `conn.execute(sql, params)`: a row for a query (undefined when none), the run result otherwise. */
  execute(sql: string, ...params: unknown[]): unknown {
    const statement = this.statement(sql);
    if (isDml(sql) && !this.inTransaction) this.implicitBegin();
    return this.runner.run(kindOf(sql), this.words.label(sql), () => (statement.reader ? statement.get(...params) : statement.run(...params)), (result) =>
      statement.reader ? this.words.answer(sql, result) : 'ok',
    );
  }

  /**
   * Lockstep's fault injection: passes the gate for `sql` exactly as `execute` would (the implicit BEGIN
   * included), then raises `fault` where the statement would have run.
   */
  executeRaising(sql: string, fault: Error): never {
    this.statement(sql);
    if (isDml(sql) && !this.inTransaction) this.implicitBegin();
    return this.runner.run(kindOf(sql), this.words.label(sql), () => {
      throw fault;
    });
  }

  commit(): void {
    if (this.inTransaction) this.runner.run('commit', 'COMMIT', () => this.statement('COMMIT').run());
  }

  rollback(): void {
    if (this.inTransaction) this.runner.run('rollback', 'ROLLBACK', () => this.statement('ROLLBACK').run());
  }

  private implicitBegin(): void {
    const immediate = this.isolationLevel === 'IMMEDIATE';
    const sql = immediate ? 'BEGIN IMMEDIATE' : 'BEGIN';
    this.runner.run(immediate ? 'begin-immediate' : 'begin-deferred', `${sql} (implicit)`, () => this.statement(sql).run());
  }

  private statement(sql: string): Database.Statement {
    const statement = this.cache.get(sql);
    if (statement === undefined) throw new Error(`statement not prepared before the first step: ${sql}`);
    return statement;
  }
}
