/**
 * The ticket scenario (seed 002, Actifix) on the real engine: the real TicketRepository on real SQLite, one
 * statement at a time. One fresh temporary directory and database per run, one ticket per worker, one
 * connection per worker (busy timeout 0), every worker an async program whose statements each first await the
 * worker's gate from LockStepGates. Implements the RealRun seam (engine-seam.ts); the step records and the
 * observation use the model's words and shape, re-declared here (impl/ never imports spec/).
 *
 * Waiting. With busy timeout 0 SQLite answers SQLITE_BUSY at once; whether a real busy handler would have been
 * invoked is SQLite's documented rule (../lock-step/busy-handler-rule.ts). When it would: the step ends with
 * `SQLITE_BUSY, waits` and the worker stays parked on the same statement; when the schedule picks it again it
 * retries; success is a normal outcome, another SQLITE_BUSY means the busy timeout ran out
 * (`SQLITE_BUSY after the busy timeout`) and the code gets the error. That reading rests on the schedule
 * contract: a waiting worker is only picked when its statement can succeed or when its deadline has come and
 * nobody else can move. With busyTimeoutMs 0 nobody ever waits, as in SQLite.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RealRun, RealStepRecord } from '../engine-seam.js';
import { realActor, realActors, realConnection } from '../gate/real-exposed.js';
import { LockStepGates, type Gate, stepOneRecord } from '../gate/step-gate.js';
import { busyHandlerWouldWait } from '../lock-step/busy-handler-rule.js';
import { TICKETS_SCHEMA, TicketRepository, type StatementKind, type StatementRunner, type TicketLock, type TransactionMode } from './ticket-repository.js';

export interface TicketsRunOptions {
  readonly workers: number;
  readonly journal: 'delete' | 'wal';
  readonly mode: TransactionMode;
  readonly workload: 'acquire' | 'next';
  /** 0: SQLite would not wait at all (every SQLITE_BUSY is final at once). Otherwise its size does not matter here. */
  readonly busyTimeoutMs: number;
  /** Where the run's `lockstep-*` directory is created; os.tmpdir() by default. */
  readonly parentDir?: string;
}

/** The model's TicketsObservation, declared again (structurally the same). */
export type TicketWorkerStatus = 'running' | 'waiting' | 'acquired' | 'failed';

export interface TicketWorkerView {
  readonly name: string;
  readonly status: TicketWorkerStatus;
  readonly ticket: string | null;
  readonly error: string | null;
}

export interface TicketsObservation {
  readonly workers: readonly TicketWorkerView[];
  readonly holders: Readonly<Record<string, number | null>>;
}

export interface TicketsRealRun extends RealRun {
  /** The run's temporary directory (gone after close()). */
  readonly dir: string;
  observe(): TicketsObservation;
}

/** The extended result code of a better-sqlite3 SqliteError, or null for any other exception. */
export function sqliteCodeOf(error: unknown): string | null {
  return error instanceof Database.SqliteError ? error.code : null;
}

/** Whether an extended result code is SQLITE_BUSY or one of its variants (SQLITE_BUSY_SNAPSHOT, ...). */
export const isBusyCode = (code: string): boolean => code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_');

/**
 * A StatementRunner for the lock-step driver: awaits the gate, runs the statement on a busy-timeout-0
 * connection, emulates the busy handler, and records one step (action, outcome) per gate passed.
 * It tracks whether the connection holds a read transaction itself: set by a successful statement inside a
 * transaction and by a successful BEGIN IMMEDIATE/EXCLUSIVE, cleared when the transaction ends.
 */
export class LockStepStatementRunner implements StatementRunner {
  private holdsReadTransaction = false;
  private waitingNow = false;
  private failure: string | null = null;
  readonly records: { readonly action: string; readonly outcome: string }[] = [];

  constructor(
    readonly db: Database.Database,
    private readonly gate: Gate,
    private readonly journal: 'delete' | 'wal',
    private readonly busyTimeoutMs: number,
  ) {}

  /** Whether the actor is parked on a statement that SQLite's busy handler would be waiting on. */
  get waiting(): boolean {
    return this.waitingNow;
  }

  /** The code of the last SQLite error a statement threw into the code (what the worker is failing with). */
  get failedWith(): string | null {
    return this.failure;
  }

  async statement<T>(kind: StatementKind, action: string, run: () => T, describe: (result: T) => string = () => 'ok'): Promise<T> {
    await this.gate();
    for (;;) {
      let result: T;
      try {
        result = run();
      } catch (error) {
        const code = sqliteCodeOf(error);
        if (code === null) throw error;
        const retried = this.waitingNow;
        this.waitingNow = false;
        if (!this.db.inTransaction) this.holdsReadTransaction = false;
        if (isBusyCode(code) && retried) {
          this.records.push({ action, outcome: `${code} after the busy timeout` });
          if (kind !== 'rollback') this.failure = code;
          throw error;
        }
        if (isBusyCode(code) && this.busyTimeoutMs > 0 && busyHandlerWouldWait(this.journal, kind, code, this.holdsReadTransaction)) {
          this.waitingNow = true;
          this.records.push({ action, outcome: `${code}, waits` });
          await this.gate();
          continue;
        }
        this.records.push({ action, outcome: `${code} at once` });
        if (kind !== 'rollback') this.failure = code;
        throw error;
      }
      this.waitingNow = false;
      this.afterSuccess(kind);
      this.records.push({ action, outcome: describe(result) });
      return result;
    }
  }

  private afterSuccess(kind: StatementKind): void {
    switch (kind) {
      case 'begin-deferred':
      case 'commit':
      case 'rollback':
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
    }
  }
}

const ticketName = (i: number): string => `ticket-${i}`;
const workerName = (i: number): string => `worker-${i}`;

function validate(options: TicketsRunOptions): void {
  const { workers, journal, mode, workload, busyTimeoutMs } = options;
  if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`workers must be a positive integer, got ${String(workers)}`);
  if (journal !== 'delete' && journal !== 'wal') throw new RangeError(`journal must be delete or wal, got ${String(journal)}`);
  if (mode !== 'deferred' && mode !== 'immediate') throw new RangeError(`mode must be deferred or immediate, got ${String(mode)}`);
  if (workload !== 'acquire' && workload !== 'next') throw new RangeError(`workload must be acquire or next, got ${String(workload)}`);
  if (!(busyTimeoutMs >= 0)) throw new RangeError(`busyTimeoutMs must be >= 0, got ${String(busyTimeoutMs)}`);
}

/** Opens a lock-step run of the ticket scenario, every worker parked before its first statement. */
export async function openTicketsRun(options: TicketsRunOptions): Promise<TicketsRealRun> {
  validate(options);
  const dir = mkdtempSync(join(options.parentDir ?? tmpdir(), 'lockstep-'));
  const handles: Database.Database[] = [];
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    for (const db of handles) if (db.open) db.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const file = join(dir, 'tickets.db');
    const tickets = Array.from({ length: options.workers }, (_, i) => ticketName(i));
    const actors = tickets.map((_, i) => workerName(i));

    const setup = new Database(file, { timeout: 0 });
    handles.push(setup);
    setup.exec(TICKETS_SCHEMA);
    const insert = setup.prepare('INSERT INTO tickets (id) VALUES (?)');
    for (const id of tickets) insert.run(id);
    if (options.journal === 'wal') setup.pragma('journal_mode = WAL');
    setup.close();

    // The observer only reads, in autocommit, between steps: its SHARED lock (rollback) or read mark (WAL) is
    // gone when the call returns, so it never holds anything while a worker steps. Busy timeout 0: it must
    // never wait either.
    const observer = new Database(file, { timeout: 0, readonly: true });
    handles.push(observer);
    const readHolders = observer.prepare<[], { id: string; locked_by: string | null }>('SELECT id, locked_by FROM tickets');

    const gates = new LockStepGates(actors);
    const runners = actors.map((_, i) => {
      const db = new Database(file, { timeout: 0, fileMustExist: true });
      handles.push(db);
      return new LockStepStatementRunner(db, gates.gate(i), options.journal, options.busyTimeoutMs);
    });
    // Built (and their statements prepared) before anyone steps.
    const repositories = runners.map((runner) => new TicketRepository(runner, options.mode, { ticketIds: tickets }));
    for (const [i, name] of actors.entries()) {
      const repository = repositories[i]!;
      const program = (): Promise<TicketLock | null> =>
        options.workload === 'acquire' ? repository.acquireLock(tickets[i]!, name) : repository.getAndLockNextTicket(name);
      await gates.start(i, program);
    }

    // Committed holders. Read after every step; in rollback mode a worker holding PENDING (its COMMIT is
    // waiting) refuses the observer's SHARED, and then the last reading stands: nobody else can have committed
    // since that worker took RESERVED, and the observer read after the step in which it did.
    const workerIndex = new Map(actors.map((name, i) => [name, i]));
    let holders: Record<string, number | null> = Object.fromEntries(tickets.map((t) => [t, null]));
    const refreshHolders = (): void => {
      let rows: { id: string; locked_by: string | null }[];
      try {
        rows = readHolders.all();
      } catch (error) {
        if (isBusyCode(sqliteCodeOf(error) ?? '')) return;
        throw error;
      }
      const next: Record<string, number | null> = Object.fromEntries(tickets.map((t) => [t, null]));
      for (const row of rows) next[row.id] = row.locked_by === null ? null : (workerIndex.get(row.locked_by) ?? -1);
      holders = next;
    };
    refreshHolders();

    const viewOf = (i: number): TicketWorkerView => {
      const name = actors[i]!;
      switch (gates.status(i)) {
        case 'done': {
          const lock = gates.value(i) as TicketLock | null;
          return lock === null
            ? { name, status: 'failed', ticket: null, error: 'taken' }
            : { name, status: 'acquired', ticket: lock.ticketId, error: null };
        }
        case 'failed': {
          const error = gates.error(i);
          return { name, status: 'failed', ticket: null, error: sqliteCodeOf(error) ?? String(error) };
        }
        default:
          // Like the model: a worker rolling back after an error already names that error.
          return { name, status: runners[i]!.waiting ? 'waiting' : 'running', ticket: null, error: runners[i]!.failedWith };
      }
    };

    return {
      actors,
      dir,
      finished: (actor) => gates.settled(actor),
      async step(actor): Promise<RealStepRecord> {
        if (closed) throw new Error('the run is closed');
        const runner = runners[actor];
        if (runner === undefined) throw new RangeError(`no actor ${actor}`);
        if (gates.settled(actor)) throw new Error(`${actors[actor]} cannot step: it has finished`);
        const record = await stepOneRecord(gates, actor, [runner.records]);
        refreshHolders();
        return { actor: actors[actor]!, ...record };
      },
      observe: (): TicketsObservation => {
        if (!closed) refreshHolders();
        return { workers: actors.map((_, i) => viewOf(i)), holders: { ...holders } };
      },
      expose() {
        if (!closed) refreshHolders();
        const views = actors.map((_, i) => viewOf(i));
        return {
          actors: realActors(views, (i) => realActor(gates.status(i), views[i]!.status, views[i]!.error ?? views[i]!.ticket)),
          connections: Object.fromEntries(actors.map((name, i) => [name, realConnection(runners[i]!.db.inTransaction)])),
          shared: { locked_by: Object.fromEntries(Object.entries(holders).map(([ticket, holder]) => [ticket, holder === null ? null : (actors[holder] ?? `unknown-${holder}`)])) },
        };
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
