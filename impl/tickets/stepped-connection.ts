/**
 * A better-sqlite3 connection as the ticket repository uses it, with a gate before every statement and the
 * busy handler emulated step by step: the connection runs with busy timeout 0; a SQLITE_BUSY that SQLite
 * would have waited on (busy-handler-rule.ts) parks the actor on the same statement ("waits"); when the
 * schedule picks it again it retries; a retry that still fails means its busy timeout ran out, because a
 * schedule only picks a waiting actor when its statement can succeed or when its deadline has come.
 * Every statement leaves one record (action, outcome) in the words the model uses.
 */
import type Database from 'better-sqlite3';
import { busyHandlerWouldWait, type StatementKind } from '../lock-step/busy-handler-rule.js';
import type { Gate } from '../lock-step/step-gate.js';

export interface StatementRecord {
  readonly action: string;
  readonly outcome: string;
}

interface SqliteFailure {
  readonly code: string;
}

function codeOf(error: unknown): string | null {
  return typeof error === 'object' && error !== null && typeof (error as SqliteFailure).code === 'string' && (error as Error).name === 'SqliteError'
    ? (error as SqliteFailure).code
    : null;
}

export class SteppedConnection {
  private holdsReadTransaction = false;
  /** True while the actor is parked on a statement that SQLite would be waiting on. */
  waiting = false;
  readonly records: StatementRecord[] = [];

  constructor(
    readonly db: Database.Database,
    private readonly journal: 'delete' | 'wal',
    private readonly gate: Gate,
  ) {}

  /** Runs one statement at the actor's next turn; `describe` turns its result into the outcome text. */
  async statement<T>(kind: StatementKind, action: string, run: () => T, describe: (result: T) => string = () => 'ok'): Promise<T> {
    await this.gate.pass();
    for (;;) {
      try {
        const result = run();
        this.afterSuccess(kind);
        this.records.push({ action, outcome: describe(result) });
        this.waiting = false;
        return result;
      } catch (error) {
        const code = codeOf(error);
        if (code === null) throw error;
        const busy = code.startsWith('SQLITE_BUSY');
        if (busy && this.waiting) {
          this.waiting = false;
          this.records.push({ action, outcome: `${code} after the busy timeout` });
          throw error;
        }
        if (busy && busyHandlerWouldWait(this.journal, kind, code, this.holdsReadTransaction)) {
          this.waiting = true;
          this.records.push({ action, outcome: `${code}, waits` });
          await this.gate.pass();
          continue;
        }
        if (kind === 'rollback' || (kind === 'commit' && !this.db.inTransaction)) this.holdsReadTransaction = false;
        this.records.push({ action, outcome: `${code} at once` });
        throw error;
      }
    }
  }

  private afterSuccess(kind: StatementKind): void {
    switch (kind) {
      case 'begin-deferred':
        this.holdsReadTransaction = false;
        return;
      case 'begin-immediate':
      case 'begin-exclusive':
        this.holdsReadTransaction = true;
        return;
      case 'read':
      case 'write':
        this.holdsReadTransaction = this.db.inTransaction;
        return;
      case 'commit':
      case 'rollback':
        this.holdsReadTransaction = false;
        return;
    }
  }
}
