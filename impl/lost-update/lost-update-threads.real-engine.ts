/**
 * The lost-update scenario (seed 004) with worker threads instead of async tasks: task i is a real worker
 * thread penalizing host i mod H once, over a host table in a SharedArrayBuffer, and the lock-step driver lets
 * exactly one thread move between two gates (penalty-thread.worker.ts). Implements the RealRun seam with the
 * same observation as the async engine. Threads start every run from nothing (pooled, not started anew); close()
 * gives back those that finished and terminates the others, also after a failure.
 */
import type { Worker } from 'node:worker_threads';
import { abortRun, releaseGate, WorkerPool } from '../async/worker-pool.js';
import type { RealStepRecord } from '../engine-seam.js';
import { realActor, realActors, realConnection } from '../gate/real-exposed.js';
import type { LostUpdateObservation, LostUpdateRealRun, PenaltyTaskView } from './lost-update.real-engine.js';
import { hostName } from './lost-update.real-engine.js';
import type { PenaltyThreadData, PenaltyThreadMessage } from './penalty-thread.protocol.js';
import { SharedHostTable } from './shared-host-table.js';

/** The threads, reused from run to run (each run starts from nothing: see ../async/worker-pool.ts). */
const THREADS = new WorkerPool(new URL('./penalty-thread.worker.js', import.meta.url));

type ThreadState = 'parked' | 'waiting' | 'done' | 'failed';

interface ThreadSlot {
  readonly worker: Worker;
  state: ThreadState;
  error: string | null;
  wrote: boolean;
  /** Messages not yet taken by the driver, and the driver's wait for the next one. */
  readonly inbox: PenaltyThreadMessage[];
  expect: ((message: PenaltyThreadMessage) => void) | null;
}

function deliver(slot: ThreadSlot, message: PenaltyThreadMessage): void {
  const expect = slot.expect;
  slot.expect = null;
  if (expect === null) slot.inbox.push(message);
  else expect(message);
}

export async function openLostUpdateThreadsRun(options: {
  readonly tasks: number;
  readonly hosts: number;
  readonly guard: 'unguarded' | 'locked';
  readonly body?: 'awaited' | 'sync';
}): Promise<LostUpdateRealRun> {
  const { tasks, hosts, guard } = options;
  const body = options.body ?? 'awaited';
  if (!Number.isInteger(tasks) || tasks < 1) throw new RangeError(`tasks must be a positive integer, got ${String(tasks)}`);
  if (!Number.isInteger(hosts) || hosts < 1) throw new RangeError(`hosts must be a positive integer, got ${String(hosts)}`);
  const actors = Array.from({ length: tasks }, (_, i) => `task-${i}`);
  const hostList = Array.from({ length: Math.min(hosts, tasks) }, (_, h) => h);
  const table = SharedHostTable.create(hosts, tasks);
  const control = new SharedArrayBuffer(tasks * Int32Array.BYTES_PER_ELEMENT);
  const controlWords = new Int32Array(control);
  const slots: ThreadSlot[] = [];
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await Promise.all(
      slots.map(async (slot, i) => {
        // A thread still inside its program is asked to abort it; one that ends can serve another run.
        const inside = slot.state === 'parked' || slot.state === 'waiting';
        const ended = !inside || (await abortRun(controlWords, i, untilEnd(slot)));
        await THREADS.giveBack(slot.worker, ended && (inside || slot.state !== 'failed'));
      }),
    );
  };

  const next = (slot: ThreadSlot): Promise<PenaltyThreadMessage> => {
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
  const absorb = (slot: ThreadSlot, message: PenaltyThreadMessage): void => {
    switch (message.kind) {
      case 'parked':
        slot.state = message.waiting ? 'waiting' : 'parked';
        break;
      case 'done':
        slot.state = 'done';
        break;
      case 'failed':
        slot.state = 'failed';
        slot.error = message.error;
        break;
    }
  };

  try {
    for (const [i] of actors.entries()) {
      const data: PenaltyThreadData = { index: i, host: i % hosts, hosts, guard, body, control, table: table.buffer };
      const worker = THREADS.borrow();
      const slot: ThreadSlot = { worker, state: 'parked', error: null, wrote: false, inbox: [], expect: null };
      worker.on('message', (message: PenaltyThreadMessage) => deliver(slot, message));
      worker.on('error', (error) => deliver(slot, { kind: 'failed', records: [], error: error.message }));
      slots.push(slot);
      worker.postMessage({ kind: 'run', data });
    }
    // Every thread parks at its first gate before anybody steps.
    for (const slot of slots) absorb(slot, await next(slot));
  } catch (error) {
    await close();
    throw error;
  }

  const viewOf = (i: number): PenaltyTaskView => {
    const slot = slots[i]!;
    const base = { name: actors[i]!, host: hostName(i % hosts), wrote: slot.wrote };
    switch (slot.state) {
      case 'done':
        return { ...base, status: 'done' };
      case 'waiting':
        return { ...base, status: 'waiting' };
      case 'parked':
        return { ...base, status: 'running' };
      case 'failed':
        throw new Error(`${actors[i]} failed: ${slot.error ?? 'unknown'}`);
    }
  };

  return {
    actors,
    finished: (actor) => {
      const state = slots[actor]?.state;
      return state === 'done' || state === 'failed';
    },
    async step(actor): Promise<RealStepRecord> {
      if (closed) throw new Error('the run is closed');
      const slot = slots[actor];
      if (slot === undefined) throw new RangeError(`no actor ${actor}`);
      if (slot.state === 'done' || slot.state === 'failed') throw new Error(`${actors[actor]} cannot step: it has finished`);
      const arrival = next(slot);
      releaseGate(controlWords, actor);
      const message = await arrival;
      absorb(slot, message);
      if (message.kind === 'failed') throw new Error(`${actors[actor]} failed: ${message.error}`);
      const record = message.records[0];
      if (record === undefined || message.records.length !== 1) throw new Error(`${actors[actor]} took a step that recorded ${message.records.length} accesses`);
      if (record.action === `write ${hostName(actor % hosts)}`) slot.wrote = true;
      return { actor: actors[actor]!, ...record };
    },
    observe: (): LostUpdateObservation => ({
      tasks: actors.map((_, i) => viewOf(i)),
      failures: Object.fromEntries(hostList.map((h) => [hostName(h), table.failures(h)])),
    }),
    expose: () => {
      const views = actors.map((_, i) => viewOf(i));
      const lock = table.lockView();
      const holds = (i: number): string | null => (lock.holder === i ? 'lock' : lock.queue.includes(i) ? 'queued' : null);
      return {
        actors: realActors(views, (i) => realActor(slots[i]!.state, views[i]!.status, `${views[i]!.host}${views[i]!.wrote ? ', wrote' : ''}`, holds(i))),
        shared: { failures: Object.fromEntries(hostList.map((h) => [hostName(h), table.failures(h)])) },
      };
    },
    close,
  };
}
