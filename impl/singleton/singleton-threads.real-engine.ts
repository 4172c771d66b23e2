/**
 * The singleton scenario (seed 004) with real worker threads, each with its own event loop, calling upstream's
 * getter once over a client slot in a SharedArrayBuffer (client-getter-thread.worker.ts); the lock-step driver
 * lets exactly one thread move between two gates. Implements the RealRun seam with the same observation as the
 * async engine. Threads start every run from nothing (pooled, not started anew); close() gives back those that
 * finished and terminates the others, also after a failure.
 */
import type { Worker } from 'node:worker_threads';
import { abortRun, releaseGate, WorkerPool } from '../async/worker-pool.js';
import type { RealStepRecord } from '../engine-seam.js';
import type { ThreadGetterLock } from './client-getter-thread.js';
import type { GetterThreadData, GetterThreadMessage } from './client-getter-thread.protocol.js';
import { SharedClientSlot } from './shared-client-slot.js';
import type { SingletonObservation, SingletonRealRun, SingletonTaskView } from './singleton.real-engine.js';

/** The threads, reused from run to run (each run starts from nothing: see ../async/worker-pool.ts). */
const THREADS = new WorkerPool(new URL('./client-getter-thread.worker.js', import.meta.url));

interface ThreadSlot {
  readonly worker: Worker;
  state: 'parked' | 'waiting' | 'done' | 'raised' | 'failed';
  client: number | null;
  error: string | null;
  readonly inbox: GetterThreadMessage[];
  expect: ((message: GetterThreadMessage) => void) | null;
}

function deliver(slot: ThreadSlot, message: GetterThreadMessage): void {
  const expect = slot.expect;
  slot.expect = null;
  if (expect === null) slot.inbox.push(message);
  else expect(message);
}

const taskName = (i: number): string => `task-${i}`;
const clientName = (id: number): string => `client-${id}`;

export async function openSingletonThreadsRun(options: { readonly tasks: number; readonly lock: ThreadGetterLock }): Promise<SingletonRealRun> {
  const { tasks, lock } = options;
  if (!Number.isInteger(tasks) || tasks < 1) throw new RangeError(`tasks must be a positive integer, got ${String(tasks)}`);
  if (lock !== 'none' && lock !== 'asyncio' && lock !== 'thread') throw new RangeError(`lock must be none, asyncio or thread, got ${String(lock)}`);
  const actors = Array.from({ length: tasks }, (_, i) => taskName(i));
  const shared = SharedClientSlot.create(tasks);
  const control = new SharedArrayBuffer(tasks * Int32Array.BYTES_PER_ELEMENT);
  const controlWords = new Int32Array(control);
  const threads: ThreadSlot[] = [];
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await Promise.all(
      threads.map(async (t, i) => {
        // A thread still inside its program is asked to abort it; one that ends can serve another run.
        const inside = t.state === 'parked' || t.state === 'waiting';
        const ended = !inside || (await abortRun(controlWords, i, untilEnd(t)));
        await THREADS.giveBack(t.worker, ended && (inside || t.state !== 'failed'));
      }),
    );
  };
  const next = (slot: ThreadSlot): Promise<GetterThreadMessage> => {
    const queued = slot.inbox.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve) => {
      slot.expect = resolve;
    });
  };
  /** The thread's last message of the run, after an abort (gates post nothing more once aborted). */
  const untilEnd = async (slot: ThreadSlot): Promise<void> => {
    while (slot.state === 'parked' || slot.state === 'waiting') absorb(slot, await next(slot));
  };
  const absorb = (slot: ThreadSlot, message: GetterThreadMessage): void => {
    switch (message.kind) {
      case 'parked':
        slot.state = message.waiting ? 'waiting' : 'parked';
        return;
      case 'done':
        slot.state = 'done';
        slot.client = message.client;
        return;
      case 'raised':
      case 'failed':
        slot.state = message.kind;
        slot.error = message.error;
        return;
    }
  };

  try {
    for (const [index] of actors.entries()) {
      const data: GetterThreadData = { index, callers: tasks, lock, control, slot: shared.buffer };
      const worker = THREADS.borrow();
      const slot: ThreadSlot = { worker, state: 'parked', client: null, error: null, inbox: [], expect: null };
      worker.on('message', (message: GetterThreadMessage) => deliver(slot, message));
      worker.on('error', (error) => deliver(slot, { kind: 'failed', records: [], error: error.message }));
      threads.push(slot);
      worker.postMessage({ kind: 'run', data });
    }
    // Every thread parks at its first gate before anybody steps.
    for (const slot of threads) {
      const message = await next(slot);
      absorb(slot, message);
      if (message.kind !== 'parked') throw new Error(`a getter thread did not start: ${message.kind === 'failed' ? message.error : message.kind}`);
    }
  } catch (error) {
    await close();
    throw error;
  }

  const viewOf = (i: number): SingletonTaskView => {
    const slot = threads[i]!;
    const name = actors[i]!;
    switch (slot.state) {
      case 'done':
        return { name, status: 'done', client: clientName(slot.client!), error: null };
      case 'raised':
        return { name, status: 'failed', client: null, error: slot.error };
      case 'waiting':
        return { name, status: 'waiting', client: null, error: null };
      case 'parked':
        return { name, status: 'running', client: null, error: null };
      case 'failed':
        throw new Error(`${name} failed: ${slot.error ?? 'unknown'}`);
    }
  };

  return {
    actors,
    finished: (actor) => {
      const state = threads[actor]?.state;
      return state === 'done' || state === 'raised' || state === 'failed';
    },
    async step(actor): Promise<RealStepRecord> {
      if (closed) throw new Error('the run is closed');
      const slot = threads[actor];
      if (slot === undefined) throw new RangeError(`no actor ${actor}`);
      if (slot.state !== 'parked' && slot.state !== 'waiting') throw new Error(`${actors[actor]} cannot step: it has finished`);
      const arrival = next(slot);
      releaseGate(controlWords, actor);
      const message = await arrival;
      absorb(slot, message);
      if (message.kind === 'failed') throw new Error(`${actors[actor]} failed: ${message.error}`);
      const record = message.records[0];
      if (record === undefined || message.records.length !== 1) throw new Error(`${actors[actor]} took a step that recorded ${message.records.length} accesses`);
      return { actor: actors[actor]!, ...record };
    },
    observe: (): SingletonObservation => ({
      tasks: actors.map((_, i) => viewOf(i)),
      created: shared.created.map(({ id, by }) => ({ client: clientName(id), by: taskName(by) })),
      shared: shared.client === null ? null : clientName(shared.client),
    }),
    close,
  };
}
