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
 * two gates. One run at a time (a pooled worker: ../async/worker-pool.ts): the thread opens its connections
 * at the start of each run and closes them at its end.
 */
import type Database from 'better-sqlite3';
import { openCounterConnection } from '../retry/counter-database.js';
import { parentPort } from 'node:worker_threads';
import { blockingGate, serveRuns } from '../async/worker-pool.js';
import { CounterRepository } from '../retry/counter-repository.js';
import { LockStepStatementRunner, sqliteCodeOf } from '../tickets/tickets.real-engine.js';
import { NO_RETRY, UsageTrackingRunner } from './pool.real-engine.js';
import type { PoolThreadData, PoolThreadMessage, PoolThreadRecord, PoolThreadState } from './pool-thread.protocol.js';

serveRuns<PoolThreadData>((data) => void runWorker(data));

async function runWorker(data: PoolThreadData): Promise<void> {
  const port = parentPort!;
  const control = new Int32Array(data.control);
  const slots = new Int32Array(data.slots);
  let leased: number | null = null;
  let using = false;
  let acquireWaiting = false;
  const poolRecords: PoolThreadRecord[] = [];

  const send = (message: PoolThreadMessage): void => port.postMessage(message);

  const connectionCount = data.scheme === 'pool' ? data.poolSize : 1;
  const connections: Database.Database[] = [];
  let runners: LockStepStatementRunner[] = [];
  let taken: number[] = [];

  const takeRecords = (): PoolThreadRecord[] =>
    [poolRecords, ...runners.map((r) => r.records)].flatMap((list, i) => {
      const fresh = list.slice(taken[i]);
      taken[i] = list.length;
      return fresh;
    });

  const state = (): PoolThreadState => {
    const runner = leased === null ? undefined : runners[data.scheme === 'pool' ? leased : 0];
    return { leased, using, waiting: acquireWaiting || runner?.waiting === true };
  };

  /** Arrive (report the step just taken and where the thread stands), then sleep until the driver picks it. */
  const block = blockingGate(control, data.index, () => send({ kind: 'parked', records: takeRecords(), state: state() }));
  const gate = (): Promise<void> => {
    block();
    return Promise.resolve();
  };

  /** Checks out the lowest-numbered idle slot, or null when every slot is checked out. */
  const tryAcquire = (): number | null => {
    for (let k = 0; k < slots.length; k++) if (Atomics.compareExchange(slots, k, 0, 1) === 0) return k;
    return null;
  };

  try {
    for (let c = 0; c < connectionCount; c++) connections.push(openCounterConnection(data.file));
    runners = connections.map((db) => new LockStepStatementRunner(db, gate, data.journal, data.busyTimeoutMs));
    const repositories = runners.map((runner) => new CounterRepository(new UsageTrackingRunner(runner, () => (using = true)), data.mode, 'none', NO_RETRY));
    taken = [poolRecords, ...runners].map(() => 0);

    const work = async (c: number): Promise<number> => {
      try {
        return await repositories[c]!.increment();
      } finally {
        using = false;
      }
    };

    const program = async (): Promise<number> => {
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
    };

    await program();
    send({ kind: 'done', records: takeRecords(), state: state() });
  } catch (error) {
    send({ kind: 'failed', records: takeRecords(), state: state(), error: sqliteCodeOf(error) ?? (error instanceof Error ? error.message : String(error)) });
  } finally {
    for (const db of connections) if (db.open) db.close();
  }
}
