/**
 * The statement runner of a worker thread that runs ordinary synchronous code (as seed 004's Python threads
 * do): before each statement it passes the thread's gate (a blocking handshake with the lock-step driver), runs
 * the statement on a busy-timeout-0 connection, emulates SQLite's busy handler by the documented rule
 * (../lock-step/busy-handler-rule.ts), and records one step (action, outcome) per gate passed. The synchronous
 * twin of the tickets LockStepStatementRunner: a statement the busy handler would wait on records
 * `SQLITE_BUSY, waits` and parks again on the same statement; picked again, it succeeds or, refused again,
 * fails with `SQLITE_BUSY after the busy timeout` (the schedule contract: a waiting thread is only picked when
 * its statement can succeed or its deadline has come).
 *
 * It also keeps what the thread's connection holds, from what SQLite answered (WAL mode): a read transaction
 * (for the busy-handler rule) and the WAL write lock (taken by BEGIN IMMEDIATE or by a write that succeeded
 * inside a transaction, given up by COMMIT, ROLLBACK or any statement that leaves no transaction open).
 */
import type Database from 'better-sqlite3';
import { busyHandlerWouldWait, type StatementKind } from '../lock-step/busy-handler-rule.js';
import { isBusyCode, sqliteCodeOf } from '../tickets/tickets.real-engine.js';
import { INJECTED_FAULT_OUTCOME, InjectedFault } from './injected-fault.js';

export interface StepRecordText {
  readonly action: string;
  readonly outcome: string;
}

export class SyncStatementRunner {
  readonly records: StepRecordText[] = [];
  private waitingNow = false;
  private readTransaction = false;
  private writeLock = false;

  constructor(
    readonly db: Database.Database,
    private readonly gate: () => void,
    private readonly busyTimeoutMs: number,
  ) {}

  /** Parked on a statement SQLite's busy handler would be waiting on. */
  get waiting(): boolean {
    return this.waitingNow;
  }

  /** The connection holds the WAL write lock. */
  get holdsWriteLock(): boolean {
    return this.writeLock;
  }

  run<T>(kind: StatementKind, action: string, exec: () => T, describe: (result: T) => string = () => 'ok'): T {
    this.gate();
    for (;;) {
      let result: T;
      try {
        result = exec();
      } catch (error) {
        const retried = this.waitingNow;
        this.waitingNow = false;
        if (error instanceof InjectedFault) {
          this.records.push({ action, outcome: INJECTED_FAULT_OUTCOME });
          throw error;
        }
        const code = sqliteCodeOf(error);
        if (code === null) throw error;
        if (!this.db.inTransaction) this.releaseAll();
        if (isBusyCode(code) && retried) {
          this.records.push({ action, outcome: `${code} after the busy timeout` });
          throw error;
        }
        if (isBusyCode(code) && this.busyTimeoutMs > 0 && busyHandlerWouldWait('wal', kind, code, this.readTransaction)) {
          this.waitingNow = true;
          this.records.push({ action, outcome: `${code}, waits` });
          this.gate();
          continue;
        }
        this.records.push({ action, outcome: `${code} at once` });
        throw error;
      }
      this.waitingNow = false;
      this.afterSuccess(kind);
      this.records.push({ action, outcome: describe(result) });
      return result;
    }
  }

  private releaseAll(): void {
    this.readTransaction = false;
    this.writeLock = false;
  }

  private afterSuccess(kind: StatementKind): void {
    switch (kind) {
      case 'begin-deferred':
      case 'commit':
      case 'rollback':
        this.releaseAll();
        return;
      case 'begin-immediate':
      case 'begin-exclusive':
        this.readTransaction = true;
        this.writeLock = true;
        return;
      case 'read':
        this.readTransaction = this.db.inTransaction;
        return;
      case 'write':
        this.readTransaction = this.db.inTransaction;
        this.writeLock = this.db.inTransaction;
        return;
    }
  }
}
