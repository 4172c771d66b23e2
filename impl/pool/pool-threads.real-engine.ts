/**
 * The pool scenario (seeds 003 and 004) with real worker threads instead of async tasks: worker i is a
 * worker thread (pool-thread.worker.ts) holding its own better-sqlite3 connection(s) to the run's database
 * file, and the lock-step driver lets exactly one thread move between two gates. Same step words and same
 * observation as the async engine (pool.real-engine.ts), so the same schedules drive both.
 * - `thread-local`: each thread opens its own connection;
 * - `pool`: K slots in shared memory (compare-and-swap), each thread's connection for slot k opened in that
 *   thread before the first step (a connection cannot move between threads);
 * - `shared` is refused: one better-sqlite3 connection cannot be used by several threads.
 * Threads start every run from nothing (pooled, not started anew); close() gives back those that finished,
 * terminates the others and removes the folder, also after a failure.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { abortRun, releaseGate, WorkerPool } from '../async/worker-pool.js';
import type { RealStepRecord } from '../engine-seam.js';
import { realActor, realActors, realConnection } from '../gate/real-exposed.js';
import { CounterObserver, createCounterDatabase } from '../retry/counter-database.js';
import type { PoolObservation, PoolRealRun, PoolRunOptions, PoolWorkerView } from './pool.real-engine.js';
import { connectionCount } from './pool.real-engine.js';
import type { PoolThreadData, PoolThreadMessage, PoolThreadState } from './pool-thread.protocol.js';

/** The threads, reused from run to run (each run starts from nothing: see ../async/worker-pool.ts). */
const THREADS = new WorkerPool(new URL('./pool-thread.worker.js', import.meta.url));

import { SHARED_ON_THREADS } from './shared-on-threads.js';

export { SHARED_ON_THREADS };

type ThreadStatus = 'parked' | 'done' | 'failed';

interface ThreadSlot {
  readonly worker: Worker;
  status: ThreadStatus;
  /** The worker itself died (an 'error' event): it cannot serve another run. */
  crashed: boolean;
  error: string | null;
  state: PoolThreadState;
  /** Messages not yet taken by the driver, and the driver's wait for the next one. */
  readonly inbox: PoolThreadMessage[];
  expect: ((message: PoolThreadMessage) => void) | null;
}

function deliver(slot: ThreadSlot, message: PoolThreadMessage): void {
  const expect = slot.expect;
  slot.expect = null;
  if (expect === null) slot.inbox.push(message);
  else expect(message);
}

const workerName = (i: number): string => `worker-${i}`;
export async function openPoolThreadsRun(options: PoolRunOptions): Promise<PoolRealRun> {
  const { workers, journal, mode, scheme, poolSize, busyTimeoutMs } = options;
  if (scheme === 'shared') throw new RangeError(SHARED_ON_THREADS);
  if (scheme !== 'thread-local' && scheme !== 'pool') throw new RangeError(`scheme must be thread-local or pool on threads, got ${String(scheme)}`);
  if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`workers must be a positive integer, got ${String(workers)}`);
  if (journal !== 'delete' && journal !== 'wal') throw new RangeError(`journal must be delete or wal, got ${String(journal)}`);
  if (mode !== 'deferred' && mode !== 'immediate') throw new RangeError(`mode must be deferred or immediate, got ${String(mode)}`);
  if (!Number.isInteger(poolSize) || poolSize < 1) throw new RangeError(`poolSize must be a positive integer, got ${String(poolSize)}`);
  if (!(busyTimeoutMs >= 0)) throw new RangeError(`busyTimeoutMs must be >= 0, got ${String(busyTimeoutMs)}`);

  const dir = mkdtempSync(join(options.parentDir ?? tmpdir(), 'lockstep-'));
  const actors = Array.from({ length: workers }, (_, i) => workerName(i));
  const control = new SharedArrayBuffer(workers * Int32Array.BYTES_PER_ELEMENT);
  const controlWords = new Int32Array(control);
  const poolSlots = new SharedArrayBuffer(poolSize * Int32Array.BYTES_PER_ELEMENT);
  const threads: ThreadSlot[] = [];
  let observer: CounterObserver | null = null;
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await Promise.all(
      threads.map(async (t, i) => {
        // A thread still inside its program is asked to abort it; one that ends can serve another run.
        const ended = t.status !== 'parked' || (await abortRun(controlWords, i, untilEnd(t)));
        await THREADS.giveBack(t.worker, ended && !t.crashed);
      }),
    );
    observer?.close();
    rmSync(dir, { recursive: true, force: true });
  };

  const next = (slot: ThreadSlot): Promise<PoolThreadMessage> => {
    const queued = slot.inbox.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve) => {
      slot.expect = resolve;
    });
  };
  /** The thread's last message of the run, after an abort (gates post nothing more once aborted). */
  const untilEnd = async (slot: ThreadSlot): Promise<void> => {
    while (slot.status === 'parked') absorb(slot, await next(slot));
  };
  const absorb = (slot: ThreadSlot, message: PoolThreadMessage): void => {
    slot.state = message.state;
    switch (message.kind) {
      case 'parked':
        slot.status = 'parked';
        return;
      case 'done':
        slot.status = 'done';
        return;
      case 'failed':
        slot.status = 'failed';
        slot.error = message.error;
        return;
    }
  };

  try {
    const file = join(dir, 'counter.db');
    createCounterDatabase(file, journal);
    observer = new CounterObserver(file);
    for (const [i] of actors.entries()) {
      const data: PoolThreadData = { index: i, file, journal, mode, scheme, poolSize, busyTimeoutMs, control, slots: poolSlots };
      const worker = THREADS.borrow();
      const slot: ThreadSlot = { worker, status: 'parked', error: null, crashed: false, state: { leased: null, using: false, waiting: false }, inbox: [], expect: null };
      worker.on('message', (message: PoolThreadMessage) => deliver(slot, message));
      worker.on('error', (error) => {
        slot.crashed = true;
        deliver(slot, { kind: 'failed', records: [], state: slot.state, error: error.message });
      });
      threads.push(slot);
      worker.postMessage({ kind: 'run', data });
    }
    // Every thread has opened its connections and parked at its first gate before anybody steps.
    for (const slot of threads) {
      const message = await next(slot);
      absorb(slot, message);
      if (message.kind !== 'parked') throw new Error(`a pool thread did not start: ${message.kind === 'failed' ? message.error : 'it finished before its first step'}`);
    }
  } catch (error) {
    await close();
    throw error;
  }

  let counter = 0;
  const refreshCounter = (): void => {
    counter = observer!.read();
  };
  refreshCounter();

  const viewOf = (w: number): PoolWorkerView => {
    const slot = threads[w]!;
    const name = actors[w]!;
    switch (slot.status) {
      case 'done':
        return { name, status: 'done', committed: true, error: null };
      case 'failed':
        return { name, status: 'failed', committed: false, error: slot.error };
      case 'parked':
        return { name, status: slot.state.waiting ? 'waiting' : 'running', committed: false, error: null };
    }
  };
  const prefix = (w: number): string => {
    const leased = threads[w]!.state.leased;
    return scheme === 'thread-local' || leased === null ? '' : `connection-${leased}: `;
  };

  return {
    actors,
    dir,
    finished: (actor) => {
      const status = threads[actor]?.status;
      return status === 'done' || status === 'failed';
    },
    async step(actor): Promise<RealStepRecord> {
      if (closed) throw new Error('the run is closed');
      const slot = threads[actor];
      if (slot === undefined) throw new RangeError(`no actor ${actor}`);
      if (slot.status !== 'parked') throw new Error(`${actors[actor]} cannot step: it has finished`);
      const arrival = next(slot);
      releaseGate(controlWords, actor);
      const message = await arrival;
      absorb(slot, message);
      refreshCounter();
      const record = message.records[0];
      if (record === undefined || message.records.length !== 1) {
        const failure = message.kind === 'failed' ? `: ${message.error}` : '';
        throw new Error(`${actors[actor]} took a step that ran ${message.records.length} statements${failure}`);
      }
      const isStatement = record.action !== 'acquire';
      return { actor: actors[actor]!, action: isStatement ? `${prefix(actor)}${record.action}` : record.action, outcome: record.outcome };
    },
    observe: (): PoolObservation => {
      if (!closed) refreshCounter();
      const users: number[][] = Array.from({ length: connectionCount(options) }, () => []);
      threads.forEach((slot, w) => {
        const c = slot.state.leased;
        if (slot.status === 'parked' && slot.state.using && c !== null) users[c]!.push(w);
      });
      return { workers: actors.map((_, w) => viewOf(w)), users, counter };
    },
    expose: () => {
      if (!closed) refreshCounter();
      const views = actors.map((_, w) => viewOf(w));
      const names = Array.from({ length: connectionCount(options) }, (_, c) => `connection-${c}`);
      const users: string[][] = names.map(() => []);
      threads.forEach((slot, w) => {
        const c = slot.state.leased;
        if (slot.status === 'parked' && slot.state.using && c !== null) users[c]!.push(actors[w]!);
      });
      // The connections live in the worker threads: this side sees the leases, not each connection's transaction.
      return {
        actors: realActors(views, (w) => realActor(threads[w]!.status, views[w]!.status, views[w]!.error ?? (threads[w]!.state.leased === null ? null : `on ${names[threads[w]!.state.leased!]}`))),
        shared: { counter, users: Object.fromEntries(names.map((name, c) => [name, users[c]!])) },
      };
    },
    close,
  };
}
