/**
 * The singleton scenario (seed 004) on the real engine: the real async getter, N tasks each calling it once,
 * every shared access and every await parked at the task's gate (LockStepGates), so one schedule entry is one
 * step. Implements the RealRun seam; the observation is the model's shape, re-declared (impl/ never imports
 * spec/).
 */
import type { RealRun, RealStepRecord } from '../engine-seam.js';
import { realActor, realActors, realConnection } from '../gate/real-exposed.js';
import { LockStepGates, stepOneRecord } from '../gate/step-gate.js';
import { RecordingSteps } from '../async/task-steps.js';
import {
  ClientFactory,
  ClientSlot,
  getClientFromTask,
  getClientLocked,
  getClientSync,
  getClientSyncAsyncioLocked,
  getClientSyncThreadLocked,
  getClientUnguarded,
  type HttpClient,
} from './client-getter.js';

export type SingletonGuard = 'unguarded' | 'locked';

export interface SingletonRunOptions {
  readonly tasks: number;
  readonly guard: SingletonGuard;
  /** `awaited` (the default): lockstep's getter; `sync`: upstream's, with no await in it. */
  readonly body?: 'awaited' | 'sync';
  /** The lock of a guarded synchronous getter (the awaited one always takes the asyncio-style lock). */
  readonly lock?: 'asyncio' | 'thread';
}

/** The model's SingletonObservation, declared again (structurally the same). */
export interface SingletonTaskView {
  readonly name: string;
  readonly status: 'running' | 'waiting' | 'done' | 'failed';
  readonly client: string | null;
  readonly error: string | null;
}

export interface SingletonObservation {
  readonly tasks: readonly SingletonTaskView[];
  readonly created: readonly { readonly client: string; readonly by: string }[];
  readonly shared: string | null;
}

export interface SingletonRealRun extends RealRun {
  observe(): SingletonObservation;
}

export async function openSingletonRun(options: SingletonRunOptions): Promise<SingletonRealRun> {
  const { tasks, guard } = options;
  if (!Number.isInteger(tasks) || tasks < 1) throw new RangeError(`tasks must be a positive integer, got ${String(tasks)}`);
  if (guard !== 'unguarded' && guard !== 'locked') throw new RangeError(`guard must be unguarded or locked, got ${String(guard)}`);
  const actors = Array.from({ length: tasks }, (_, i) => `task-${i}`);
  const slot = new ClientSlot();
  const factory = new ClientFactory();
  const gates = new LockStepGates(actors);
  const steps = actors.map((name, i) => new RecordingSteps(name, gates.gate(i)));
  const getClient = guard === 'locked' ? getClientLocked : getClientUnguarded;
  const lockKind = options.lock ?? 'asyncio';
  const syncProgram = (i: number) => {
    const name = actors[i]!;
    const make = factory.maker(name);
    if (guard === 'unguarded') return () => getClientFromTask(steps[i]!, 'get_client()', () => getClientSync(slot, make));
    return lockKind === 'asyncio'
      ? () => getClientFromTask(steps[i]!, 'get_client() under the asyncio lock', () => getClientSyncAsyncioLocked(slot, name, make))
      : () => getClientFromTask(steps[i]!, 'get_client() under the thread lock', () => getClientSyncThreadLocked(slot, make));
  };
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    factory.closeAll();
  };
  try {
    for (const [i, s] of steps.entries()) {
      await gates.start(i, options.body === 'sync' ? syncProgram(i) : () => getClient(slot, { steps: s, createClient: factory.forTask(s) }));
    }
  } catch (error) {
    await close();
    throw error;
  }

  const viewOf = (i: number): SingletonTaskView => {
    const name = actors[i]!;
    switch (gates.status(i)) {
      case 'done':
        return { name, status: 'done', client: (gates.value(i) as HttpClient).name, error: null };
      case 'failed':
        throw new Error(`${name} failed: ${String(gates.error(i))}`);
      case 'idle':
      case 'parked':
      case 'running':
        return { name, status: steps[i]!.waiting ? 'waiting' : 'running', client: null, error: null };
    }
  };

  return {
    actors,
    finished: (actor) => gates.settled(actor),
    async step(actor): Promise<RealStepRecord> {
      if (closed) throw new Error('the run is closed');
      const recorder = steps[actor];
      if (recorder === undefined) throw new RangeError(`no actor ${actor}`);
      if (gates.settled(actor)) throw new Error(`${actors[actor]} cannot step: it has finished`);
      // A task's program never fails here by design: a failure is the driver's contract broken, reported first.
      const record = await stepOneRecord(gates, actor, [recorder.records]).finally(() => {
        if (gates.status(actor) === 'failed') throw new Error(`${actors[actor]} failed: ${String(gates.error(actor))}`);
      });
      return { actor: actors[actor]!, ...record };
    },
    observe: () => ({ tasks: actors.map((_, i) => viewOf(i)), created: factory.created, shared: slot.client?.name ?? null }),
    expose: () => {
      const views = actors.map((_, i) => viewOf(i));
      const holds = (name: string): string | null => (slot.lock.holder === name ? 'lock' : slot.lock.waiters.includes(name) ? 'queued' : null);
      return {
        actors: realActors(views, (i) => realActor(gates.status(i), views[i]!.status, views[i]!.client, holds(actors[i]!))),
        shared: { slot: slot.client?.name ?? null, created: factory.created.map((c) => `${c.client} by ${c.by}`) },
      };
    },
    close,
  };
}
