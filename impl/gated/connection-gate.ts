/**
 * The part of a gated connection that both runtimes share: one attempt at one statement on a real
 * better-sqlite3 connection opened with busy timeout 0, and what SQLite's busy handler would have made of a
 * refusal (../lock-step/busy-handler-rule.ts). Never consults the model.
 *
 * Virtual busy waiting. A statement refused with SQLITE_BUSY that a busy handler would wait on (the connection
 * holds no read transaction, or it needs EXCLUSIVE in rollback mode) leaves the actor waiting on that statement:
 * the attempt answers `wait`, the actor parks again on the same statement, and each time the schedule picks it
 * the statement is tried again. Picked with `deadline` (nobody else can move: the virtual busy timeout has run
 * out) and still refused, the SqliteError reaches the code. A refusal no busy handler would wait on
 * (a reader turning writer, SQLITE_BUSY_SNAPSHOT), or any refusal with busy timeout 0, reaches the code at once.
 */
import Database from 'better-sqlite3';
import type { RealSqlStep } from '../engine-seam.js';
import { busyHandlerWouldWait } from '../lock-step/busy-handler-rule.js';
import type { ActorStepRecord, PendingStep, Resume } from './actor-channel.js';
import { lockKindAsRun, lockKindBefore, type StatementClass } from './statement-class.js';

export type Journal = 'delete' | 'wal';

export type Attempt<T> = { readonly done: true; readonly value: T } | { readonly done: false };

/** The extended result code of a better-sqlite3 SqliteError, or null for any other exception. */
export function sqliteCodeOf(error: unknown): string | null {
  return error instanceof Database.SqliteError ? error.code : null;
}

export const isBusyCode = (code: string): boolean => code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_');

/** A statement's text as a step shows it: whitespace collapsed, cut at 72 characters. */
export function actionText(sql: string): string {
  const flat = sql.replace(/\s+/g, ' ').trim().replace(/;$/, '');
  return flat.length > 72 ? `${flat.slice(0, 71)}…` : flat;
}

export class ConnectionGate {
  /** Whether the connection holds a read transaction (the busy-handler rule's question), tracked from its own statements. */
  private holdsReadTransaction = false;
  /** Whether the actor is parked on a statement its virtual busy handler is waiting on. */
  private waitingNow = false;

  constructor(
    readonly raw: Database.Database,
    /** The actor's own connection number. */
    readonly local: number,
    private readonly journal: Journal,
    private readonly busyTimeoutMs: number,
    private readonly record: (record: ActorStepRecord) => void,
    private readonly actor: string,
  ) {}

  get waiting(): boolean {
    return this.waitingNow;
  }

  pending(cls: StatementClass, text: string): PendingStep {
    return { type: 'sql', connection: this.local, text: actionText(text), kind: lockKindBefore(cls, this.raw.inTransaction), waiting: this.waitingNow };
  }

  /**
   * One attempt at the statement, right after the actor was let go. Returns its value, or `wait` (the actor
   * parks again on the same statement); throws what the code must see. Leaves exactly one record.
   */
  attempt<T>(cls: StatementClass, text: string, run: () => T, resume: Resume, describe: (value: T) => string): Attempt<T> {
    const before = this.raw.inTransaction;
    const action = actionText(text);
    let value: T;
    try {
      value = run();
    } catch (error) {
      const code = sqliteCodeOf(error);
      const after = this.raw.inTransaction;
      if (!after) this.holdsReadTransaction = false;
      const busy = code !== null && isBusyCode(code);
      const kind = lockKindAsRun(cls, before, after, busy);
      const sql: RealSqlStep | undefined = kind === null || code === null ? undefined : { connection: this.local, kind, code, inTransaction: after };
      if (code === null) {
        this.waitingNow = false;
        this.record({ actor: this.actor, action, outcome: `threw ${describeError(error)}`, ...(sql ? { sql } : {}) });
        throw error;
      }
      if (busy && this.waitingNow && code !== 'SQLITE_BUSY_SNAPSHOT') {
        if (resume === 'deadline') {
          this.waitingNow = false;
          this.record({ actor: this.actor, action, outcome: `${code} after the busy timeout`, ...(sql ? { sql } : {}) });
          throw error;
        }
        this.record({ actor: this.actor, action, outcome: `${code}, still waits`, ...(sql ? { sql } : {}) });
        return { done: false };
      }
      if (busy && kind !== null && this.busyTimeoutMs > 0 && busyHandlerWouldWait(this.journal, kind, code, this.holdsReadTransaction)) {
        this.waitingNow = true;
        this.record({ actor: this.actor, action, outcome: `${code}, waits`, ...(sql ? { sql } : {}) });
        return { done: false };
      }
      this.waitingNow = false;
      this.record({ actor: this.actor, action, outcome: busy ? `${code} at once` : code, ...(sql ? { sql } : {}) });
      throw error;
    }
    this.waitingNow = false;
    const after = this.raw.inTransaction;
    const kind = lockKindAsRun(cls, before, after, false);
    this.afterSuccess(kind, after);
    const changes = typeof value === 'object' && value !== null && 'changes' in value ? Number((value as { changes: unknown }).changes) : undefined;
    const sql: RealSqlStep | undefined =
      kind === null ? undefined : { connection: this.local, kind, code: null, inTransaction: after, ...(changes === undefined ? {} : { changes }) };
    this.record({ actor: this.actor, action, outcome: describe(value), ...(sql ? { sql } : {}) });
    return { done: true, value };
  }

  private afterSuccess(kind: ReturnType<typeof lockKindAsRun>, inTransaction: boolean): void {
    if (!inTransaction) {
      this.holdsReadTransaction = false;
      return;
    }
    switch (kind) {
      case null:
      case 'begin-deferred':
        return;
      case 'begin-immediate':
      case 'begin-exclusive':
      case 'read':
      case 'write':
        this.holdsReadTransaction = true;
        return;
      case 'commit':
      case 'rollback':
        this.holdsReadTransaction = false;
        return;
    }
  }
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/** How a step's outcome reads for each kind of call. */
export const describeRun = (result: Database.RunResult): string => `ok, ${result.changes} changed`;
export const describeGet = (row: unknown): string => (row === undefined ? 'no row' : 'ok, 1 row');
export const describeAll = (rows: readonly unknown[]): string => `ok, ${rows.length} row${rows.length === 1 ? '' : 's'}`;
export const describeOk = (): string => 'ok';
