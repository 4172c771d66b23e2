/**
 * The pool scenario (seeds 003 and 004) on the real engine: workers incrementing a counter with the real
 * CounterRepository (impl/retry, no retry decorator) on connections handed out one of three ways, on real
 * SQLite, one step at a time:
 * - `thread-local`: worker i has its own connection i (what a thread-local connection gives each thread);
 * - `shared`: every worker's repository runs on the one connection (a connection shared by async tasks);
 * - `pool`: a ConnectionPool of `poolSize` connections; acquiring is a step (`acquire` -> `connection-k`, or
 *   `none idle, waits`, after which the worker is picked again only when a connection is idle).
 * Implements the RealRun seam; step records and the observation use the model's words and shape, re-declared
 * here (impl/ never imports spec/). Busy timeout 0 on every connection, the busy handler emulated by the
 * documented rule (tickets LockStepStatementRunner).
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RealRun, RealStepRecord } from '../engine-seam.js';
import { realActor, realActors, realConnection } from '../gate/real-exposed.js';
import { LockStepGates, stepOneRecord } from '../gate/step-gate.js';
import type { StatementKind, StatementRunner } from '../tickets/ticket-repository.js';
import { LockStepStatementRunner, sqliteCodeOf } from '../tickets/tickets.real-engine.js';
import { CounterObserver, createCounterDatabase, openCounterConnection } from '../retry/counter-database.js';
import { CounterRepository, type CounterBeginMode } from '../retry/counter-repository.js';
import { systemClock } from '../retry/retry-decorator.js';
import { ConnectionPool, type Lease } from './connection-pool.js';

export type ConnectionScheme = 'thread-local' | 'shared' | 'pool';

export interface PoolRunOptions {
  readonly workers: number;
  readonly journal: 'delete' | 'wal';
  readonly mode: CounterBeginMode;
  readonly scheme: ConnectionScheme;
  readonly poolSize: number;
  readonly busyTimeoutMs: number;
  readonly parentDir?: string;
}

/** The model's PoolObservation, declared again (structurally the same). */
export type PoolWorkerStatus = 'running' | 'waiting' | 'done' | 'failed';

export interface PoolWorkerView {
  readonly name: string;
  readonly status: PoolWorkerStatus;
  readonly committed: boolean;
  readonly error: string | null;
}

export interface PoolObservation {
  readonly workers: readonly PoolWorkerView[];
  readonly users: readonly (readonly number[])[];
  readonly counter: number;
}

export interface PoolRealRun extends RealRun {
  readonly dir: string;
  observe(): PoolObservation;
}

/** Marks its worker as using the connection when the unit's BEGIN runs (the unit ends when increment() settles). */
export class UsageTrackingRunner implements StatementRunner {
  constructor(
    private readonly inner: LockStepStatementRunner,
    private readonly onBegin: () => void,
  ) {}

  get db(): Database.Database {
    return this.inner.db;
  }

  statement<T>(kind: StatementKind, action: string, run: () => T, describe?: (result: T) => string): Promise<T> {
    const tracked = (): T => {
      if (kind === 'begin-deferred' || kind === 'begin-immediate' || kind === 'begin-exclusive') this.onBegin();
      return run();
    };
    return this.inner.statement(kind, action, tracked, describe);
  }
}

const workerName = (i: number): string => `worker-${i}`;
export const NO_RETRY = { maxAttempts: 1, baseDelayMs: 0, clock: systemClock, random: () => 0 };

export function connectionCount(options: Pick<PoolRunOptions, 'workers' | 'scheme' | 'poolSize'>): number {
  switch (options.scheme) {
    case 'thread-local':
      return options.workers;
    case 'shared':
      return 1;
    case 'pool':
      return options.poolSize;
  }
}

function validate(options: PoolRunOptions): void {
  const { workers, journal, mode, scheme, poolSize, busyTimeoutMs } = options;
  if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`workers must be a positive integer, got ${String(workers)}`);
  if (journal !== 'delete' && journal !== 'wal') throw new RangeError(`journal must be delete or wal, got ${String(journal)}`);
  if (mode !== 'deferred' && mode !== 'immediate') throw new RangeError(`mode must be deferred or immediate, got ${String(mode)}`);
  if (scheme !== 'thread-local' && scheme !== 'shared' && scheme !== 'pool') throw new RangeError(`scheme must be thread-local, shared or pool, got ${String(scheme)}`);
  if (!Number.isInteger(poolSize) || poolSize < 1) throw new RangeError(`poolSize must be a positive integer, got ${String(poolSize)}`);
  if (!(busyTimeoutMs >= 0)) throw new RangeError(`busyTimeoutMs must be >= 0, got ${String(busyTimeoutMs)}`);
}

/** Opens a lock-step run of the pool scenario, every worker parked before its first step. */
export async function openPoolRun(options: PoolRunOptions): Promise<PoolRealRun> {
  validate(options);
  const dir = mkdtempSync(join(options.parentDir ?? tmpdir(), 'lockstep-'));
  const handles: Database.Database[] = [];
  let pool: ConnectionPool | null = null;
  let observer: CounterObserver | null = null;
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    pool?.close();
    observer?.close();
    for (const db of handles) if (db.open) db.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const file = join(dir, 'counter.db');
    const actors = Array.from({ length: options.workers }, (_, i) => workerName(i));
    createCounterDatabase(file, options.journal);
    observer = new CounterObserver(file);

    // The connections: opened before anyone steps (for the pool: warmed), so that no step opens one.
    const open = (): Database.Database => openCounterConnection(file);
    let connections: readonly Database.Database[];
    if (options.scheme === 'pool') {
      pool = new ConnectionPool(open, options.poolSize);
      connections = pool.warm();
    } else {
      connections = Array.from({ length: connectionCount(options) }, () => {
        const db = open();
        handles.push(db);
        return db;
      });
    }

    const gates = new LockStepGates(actors);
    const using = actors.map(() => false);
    const leased = actors.map((): number | null => null);
    const acquireWaiting = actors.map(() => false);
    const poolRecords = actors.map((): { action: string; outcome: string }[] => []);
    // One runner and repository per (worker, connection): statements are prepared before anyone steps.
    const runners = actors.map((_, w) => connections.map((db) => new LockStepStatementRunner(db, gates.gate(w), options.journal, options.busyTimeoutMs)));
    const repositories = actors.map((_, w) =>
      connections.map((_, c) => new CounterRepository(new UsageTrackingRunner(runners[w]![c]!, () => (using[w] = true)), options.mode, 'none', NO_RETRY)),
    );

    const work = async (w: number, c: number): Promise<number> => {
      try {
        return await repositories[w]![c]!.increment();
      } finally {
        using[w] = false;
      }
    };
    const programs = actors.map((_, w) => async (): Promise<number> => {
      switch (options.scheme) {
        case 'thread-local':
          leased[w] = w;
          return work(w, w);
        case 'shared':
          leased[w] = 0;
          return work(w, 0);
        case 'pool': {
          const gate = gates.gate(w);
          await gate();
          let lease: Lease | null = pool!.tryAcquire();
          while (lease === null) {
            acquireWaiting[w] = true;
            poolRecords[w]!.push({ action: 'acquire', outcome: 'none idle, waits' });
            await gate();
            lease = pool!.tryAcquire();
          }
          acquireWaiting[w] = false;
          leased[w] = lease.index;
          poolRecords[w]!.push({ action: 'acquire', outcome: `connection-${lease.index}` });
          try {
            return await work(w, lease.index);
          } finally {
            pool!.release(lease.index);
          }
        }
      }
    });
    for (const [w, program] of programs.entries()) await gates.start(w, program);

    let counter = 0;
    const refreshCounter = (): void => {
      counter = observer!.read();
    };
    refreshCounter();

    const recordsOf = (w: number): { action: string; outcome: string }[][] => [poolRecords[w]!, ...runners[w]!.map((r) => r.records)];
    const prefix = (w: number): string => (options.scheme === 'thread-local' || leased[w] === null ? '' : `connection-${leased[w]}: `);

    const viewOf = (w: number): PoolWorkerView => {
      const name = actors[w]!;
      switch (gates.status(w)) {
        case 'done':
          return { name, status: 'done', committed: true, error: null };
        case 'failed': {
          const error = gates.error(w);
          return { name, status: 'failed', committed: false, error: sqliteCodeOf(error) ?? String(error) };
        }
        default: {
          const c = leased[w];
          const waiting = acquireWaiting[w] === true || (c !== null && c !== undefined && runners[w]![c]!.waiting);
          return { name, status: waiting ? 'waiting' : 'running', committed: false, error: null };
        }
      }
    };

    return {
      actors,
      dir,
      finished: (actor) => gates.settled(actor),
      async step(actor): Promise<RealStepRecord> {
        if (closed) throw new Error('the run is closed');
        if (actor < 0 || actor >= actors.length) throw new RangeError(`no actor ${actor}`);
        if (gates.settled(actor)) throw new Error(`${actors[actor]} cannot step: it has finished`);
        const record = await stepOneRecord(gates, actor, recordsOf(actor));
        refreshCounter();
        const isStatement = record.action !== 'acquire';
        return { actor: actors[actor]!, action: isStatement ? `${prefix(actor)}${record.action}` : record.action, outcome: record.outcome };
      },
      observe: (): PoolObservation => {
        if (!closed) refreshCounter();
        const users: number[][] = connections.map(() => []);
        actors.forEach((_, w) => {
          const c = leased[w];
          if (using[w] === true && c !== null && c !== undefined && gates.status(w) !== 'done' && gates.status(w) !== 'failed') users[c]!.push(w);
        });
        return { workers: actors.map((_, w) => viewOf(w)), users, counter };
      },
      expose() {
        if (!closed) refreshCounter();
        const views = actors.map((_, w) => viewOf(w));
        const names = connections.map((_, c) => `connection-${c}`);
        const users: string[][] = connections.map(() => []);
        actors.forEach((name, w) => {
          const c = leased[w];
          if (using[w] === true && c !== null && c !== undefined && gates.status(w) !== 'done' && gates.status(w) !== 'failed') users[c]!.push(name);
        });
        return {
          actors: realActors(views, (w) => {
            const c = leased[w];
            return realActor(gates.status(w), views[w]!.status, views[w]!.error ?? (c === null || c === undefined ? null : `on ${names[c]}`));
          }),
          connections: Object.fromEntries(connections.map((db, c) => [names[c]!, realConnection(db.inTransaction)])),
          shared: { counter, users: Object.fromEntries(names.map((name, c) => [name, users[c]!])) },
        };
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
