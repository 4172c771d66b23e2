/**
 * One worker of the pool scenario as a real worker thread under the lock-step driver
 * (pool-threads.real-engine.ts). It runs the same code as the async engine (CounterRepository over a
 * LockStepStatementRunner, no retry decorator) on connections it opened itself, because a better-sqlite3
 * connection belongs to the thread that opened it:
 * - `thread-local`: one connection, this thread's own (what threading.local gives a thread);
 * - `pool`: the pool's bookkeeping is shared memory, K slots taken with compare-and-swap (lowest idle first)
 *   and freed with a store; the connection of slot k is this thread's own connection for slot k, opened
 *   before the first step. So at most K connections are ever checked out at once, as in the async pool, but a
 *   slot's connection is not the same object from one lease to the next (it cannot be: it cannot cross threads).
 * The gate is a blocking handshake: arriving at a gate, the thread posts the records of the step it just took
 * and its state, then sleeps on its control word until the driver sets it; so exactly one thread runs between
 * two gates.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { CounterRepository } from '../retry/counter-repository.js';
import { LockStepStatementRunner, sqliteCodeOf } from '../tickets/tickets.real-engine.js';
import { NO_RETRY, UsageTrackingRunner } from './pool.real-engine.js';
import type { PoolThreadData, PoolThreadMessage, PoolThreadRecord, PoolThreadState } from './pool-thread.protocol.js';

const data = workerData as PoolThreadData;
const port = parentPort;
if (port === null) throw new Error('pool-thread.worker.js must run in a worker thread');

const control = new Int32Array(data.control);
const slots = new Int32Array(data.slots);
let leased: number | null = null;
let using = false;
let acquireWaiting = false;
const poolRecords: PoolThreadRecord[] = [];

function send(message: PoolThreadMessage): void {
  port!.postMessage(message);
}

/** Arrive (report the step just taken and where the thread stands), then sleep until the driver picks it. */
function gate(): Promise<void> {
  send({ kind: 'parked', records: takeRecords(), state: state() });
  Atomics.wait(control, data.index, 0);
  Atomics.store(control, data.index, 0);
  return Promise.resolve();
}

const connectionCount = data.scheme === 'pool' ? data.poolSize : 1;
const connections = Array.from({ length: connectionCount }, () => new Database(data.file, { timeout: 0, fileMustExist: true }));
const runners = connections.map((db) => new LockStepStatementRunner(db, gate, data.journal, data.busyTimeoutMs));
const repositories = runners.map((runner) => new CounterRepository(new UsageTrackingRunner(runner, () => (using = true)), data.mode, 'none', NO_RETRY));
const taken = [poolRecords, ...runners.map((r) => r.records)].map(() => 0);

function takeRecords(): PoolThreadRecord[] {
  return [poolRecords, ...runners.map((r) => r.records)].flatMap((list, i) => {
    const fresh = list.slice(taken[i]);
    taken[i] = list.length;
    return fresh;
  });
}

function state(): PoolThreadState {
  const runner = leased === null ? undefined : runners[data.scheme === 'pool' ? leased : 0];
  return { leased, using, waiting: acquireWaiting || runner?.waiting === true };
}

/** Checks out the lowest-numbered idle slot, or null when every slot is checked out. */
function tryAcquire(): number | null {
  for (let k = 0; k < slots.length; k++) if (Atomics.compareExchange(slots, k, 0, 1) === 0) return k;
  return null;
}

async function work(c: number): Promise<number> {
  try {
    return await repositories[c]!.increment();
  } finally {
    using = false;
  }
}

async function program(): Promise<number> {
  if (data.scheme === 'thread-local') {
    // The observation numbers thread-local connections by worker, as the async engine does.
    leased = data.index;
    return work(0);
  }
  await gate();
  let lease = tryAcquire();
  while (lease === null) {
    acquireWaiting = true;
    poolRecords.push({ action: 'acquire', outcome: 'none idle, waits' });
    await gate();
    lease = tryAcquire();
  }
  acquireWaiting = false;
  leased = lease;
  poolRecords.push({ action: 'acquire', outcome: `connection-${lease}` });
  try {
    return await work(lease);
  } finally {
    if (Atomics.compareExchange(slots, lease, 1, 0) !== 1) throw new Error(`connection ${lease} was not checked out`);
  }
}

program().then(
  () => {
    send({ kind: 'done', records: takeRecords(), state: state() });
    for (const db of connections) db.close();
  },
  (error: unknown) => {
    send({ kind: 'failed', records: takeRecords(), state: state(), error: sqliteCodeOf(error) ?? (error instanceof Error ? error.message : String(error)) });
    for (const db of connections) if (db.open) db.close();
  },
);
