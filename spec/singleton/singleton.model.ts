/**
 * The singleton scenario (seed 004) as a state space: N callers, each calling the shared-client getter once
 * (client-getter-task.machine.ts), over one shared slot, the list of clients created, and the slot's lock.
 * A step is one shared access or one await of one caller; a caller waiting for the lock can step only once the
 * lock has been handed to it.
 *
 * Runtimes. `async`: the callers are tasks on one event loop, so a body with no await in it (upstream's
 * `get_client`) is one step. `threads`: each caller is a thread with its own event loop, and a switch can come
 * between any two shared accesses; upstream's asyncio lock is then loop-bound (spec/async/mutex-state.ts), and
 * the thread lock a first-come-first-served lock. A thread waiting for the asyncio lock is handed it from
 * another thread, which does not wake its loop; each caller's loop here runs the getter and nothing else, so
 * such a waiter never goes on (observed on CPython 3.11: the waiting thread stays blocked).
 */
import { initialTransition, transition } from 'xstate';
import type { SnapshotFrom } from 'xstate';
import type { ExposedWorld, ScenarioModel, StepRecord, WorldKey } from '../scenario-model.js';
import { actorStatusOf, exposeActors, exposedActor } from '../exposed-world.js';
import { acquireLoopBoundStep, acquireStep, FREE_LOOP_BOUND_MUTEX, mutexLabel, releaseLoopBound, releaseStep, waitStep } from '../async/mutex-state.js';
import type { LoopBoundMutexState } from '../async/mutex-state.js';
import type { GetterTaskEvent, GetterTaskState } from './client-getter-task.machine.js';
import { getterTaskMachine } from './client-getter-task.machine.js';
import type { SingletonObservation, SingletonTaskStatus } from './singleton.observation.js';
import { clientName, taskName } from './singleton.observation.js';

export type SingletonGuard = 'unguarded' | 'locked';
/** `awaited`: lockstep's getter, which awaits the creation; `sync`: upstream's, with no await in it. */
export type GetterBody = 'awaited' | 'sync';
/** The lock of a guarded getter: an asyncio.Lock (upstream's fix) or a threading.Lock. */
export type GetterLock = 'asyncio' | 'thread';
export type SingletonRuntime = 'async' | 'threads';

export interface SingletonParams {
  readonly tasks: number;
  readonly guard: SingletonGuard;
  readonly body?: GetterBody;
  readonly lock?: GetterLock;
  readonly runtime?: SingletonRuntime;
}

type TaskSnapshot = SnapshotFrom<typeof getterTaskMachine>;

export interface SingletonWorld {
  readonly tasks: readonly TaskSnapshot[];
  /** The client id in the shared slot, or null. */
  readonly shared: number | null;
  /** Clients created, in order (client id = position + 1), with their creator. */
  readonly created: readonly number[];
  /** The slot's lock (bound to no loop unless an asyncio lock is used from threads). */
  readonly mutex: LoopBoundMutexState;
}

const stateOf = (task: TaskSnapshot): GetterTaskState => task.value as GetterTaskState;

/** States between "the slot was empty" and "the slot holds my client": the race window. */
const IN_WINDOW: readonly GetterTaskState[] = ['creating', 'assigning'];
/** States of a task that has not yet looked at the slot. */
const ASKING: readonly GetterTaskState[] = ['locking', 'waiting', 'reading'];

export function createSingletonModel(params: SingletonParams): ScenarioModel<SingletonWorld, SingletonObservation> {
  const { tasks: count, guard } = params;
  const body = params.body ?? 'awaited';
  const lock = params.lock ?? 'asyncio';
  const runtime = params.runtime ?? 'async';
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`tasks must be a positive integer, got ${String(count)}`);
  if (body === 'awaited' && runtime === 'threads') throw new RangeError("lockstep's awaited getter (unguarded, locked) is for one event loop; on threads run upstream's getter (the sync-* variants)");
  // A body with no await, on one event loop: nothing else runs until the call returns.
  const atomic = body === 'sync' && runtime === 'async';
  // An asyncio lock used from threads with their own loops is bound to the first loop that waits on it.
  const loopBound = guard === 'locked' && lock === 'asyncio' && runtime === 'threads';
  const guardWords = guard === 'unguarded' ? '' : ` under the ${lock === 'asyncio' ? 'asyncio' : 'thread'} lock`;
  const actors = Array.from({ length: count }, (_, i) => taskName(i));
  const initial: SingletonWorld = {
    tasks: actors.map(() => initialTransition(getterTaskMachine, { guarded: guard === 'locked', atomic })[0]),
    shared: null,
    created: [],
    mutex: FREE_LOOP_BOUND_MUTEX,
  };

  function enabled(world: SingletonWorld): number[] {
    const ready: number[] = [];
    world.tasks.forEach((task, actor) => {
      const state = stateOf(task);
      if (state === 'done' || state === 'failed') return;
      if (state === 'waiting' && world.mutex.holder !== actor) return;
      // The asyncio lock hands over by setting the waiter's future from the releasing thread, which does not wake
      // the waiter's loop (call_soon, not call_soon_threadsafe); a loop with nothing else to do sleeps on.
      if (state === 'waiting' && loopBound) return;
      ready.push(actor);
    });
    return ready;
  }

  function step(world: SingletonWorld, actor: number): { world: SingletonWorld; record: StepRecord } {
    const task = world.tasks[actor];
    if (task === undefined) throw new RangeError(`no actor ${actor}`);
    const name = taskName(actor);
    let next: Omit<SingletonWorld, 'tasks'> = world;
    let event: GetterTaskEvent;
    let action: string;
    let outcome: string;
    const state = stateOf(task);
    switch (state) {
      case 'calling': {
        if (world.mutex.holder !== null) throw new RangeError(`${name} cannot take the lock inside one step: it is held`);
        action = `get_client()${guardWords}`;
        if (world.shared === null) {
          const id = world.created.length + 1;
          next = { ...world, created: [...world.created, actor], shared: id };
          outcome = `${clientName(id)} (created)`;
          event = { type: 'CALLED', client: id };
        } else {
          outcome = `${clientName(world.shared)} (found)`;
          event = { type: 'CALLED', client: world.shared };
        }
        break;
      }
      case 'locking':
        if (loopBound) {
          // Each thread runs its own event loop: the loop is the thread.
          const attempt = acquireLoopBoundStep(world.mutex, actor, actor, taskName);
          next = { ...world, mutex: attempt.mutex };
          action = 'acquire lock';
          outcome = attempt.outcome;
          event = attempt.kind === 'acquired' ? { type: 'LOCK_ACQUIRED' } : attempt.kind === 'queued' ? { type: 'LOCK_QUEUED' } : { type: 'LOCK_REFUSED', error: attempt.outcome };
        } else {
          const step = acquireStep(world.mutex, actor, taskName);
          next = { ...world, mutex: { ...world.mutex, ...step.mutex } };
          ({ event, action, outcome } = step);
        }
        break;
      case 'waiting': {
        const step = waitStep(world.mutex, actor, taskName);
        next = { ...world, mutex: { ...world.mutex, ...step.mutex } };
        ({ event, action, outcome } = step);
        break;
      }
      case 'reading':
        action = 'read client';
        if (world.shared === null) {
          event = { type: 'CLIENT_MISSING' };
          outcome = 'none';
        } else {
          event = { type: 'CLIENT_FOUND', client: world.shared };
          outcome = clientName(world.shared);
        }
        break;
      case 'creating': {
        const id = world.created.length + 1;
        next = { ...world, created: [...world.created, actor] };
        event = { type: 'CLIENT_CREATED', client: id };
        action = body === 'awaited' ? 'await createClient()' : 'create client';
        outcome = clientName(id);
        break;
      }
      case 'assigning': {
        const mine = task.context.client!;
        next = { ...world, shared: mine };
        event = { type: 'CLIENT_ASSIGNED' };
        action = 'assign client';
        outcome = world.shared === null ? clientName(mine) : `${clientName(mine)}, replaces ${clientName(world.shared)}`;
        break;
      }
      case 'releasing': {
        const step = releaseStep(world.mutex, taskName);
        next = { ...world, mutex: loopBound ? releaseLoopBound(world.mutex).mutex : { ...world.mutex, ...step.mutex } };
        ({ event, action, outcome } = step);
        break;
      }
      case 'starting':
      case 'done':
      case 'failed':
        throw new RangeError(`${name} cannot step: it is ${state}`);
    }
    const tasks = world.tasks.slice();
    tasks[actor] = transition(getterTaskMachine, task, event)[0];
    return { world: { ...next, tasks }, record: { actor: name, action, outcome } };
  }

  function statusOf(task: TaskSnapshot): SingletonTaskStatus {
    const state = stateOf(task);
    return state === 'done' || state === 'failed' ? state : state === 'waiting' ? 'waiting' : 'running';
  }

  function observe(world: SingletonWorld): SingletonObservation {
    return {
      tasks: world.tasks.map((task, i) => {
        const status = statusOf(task);
        return { name: taskName(i), status, client: status === 'done' ? clientName(task.context.client!) : null, error: task.context.error };
      }),
      created: world.created.map((by, i) => ({ client: clientName(i + 1), by: taskName(by) })),
      shared: world.shared === null ? null : clientName(world.shared),
    };
  }

  function key(world: SingletonWorld): WorldKey {
    return JSON.stringify([world.tasks.map((t) => [t.value, t.context.client]), world.shared, world.created, world.mutex.holder, world.mutex.queue, world.mutex.loop]) as WorldKey;
  }

  /**
   * The dangerous windows: one caller between its check and its assignment while another asks, or two there at
   * once. A call that is one step has no such window; there the window is that several callers are pending
   * while the slot is still empty (the callers that would race, if anything could come between).
   */
  function notable(world: SingletonWorld): string[] {
    const states = world.tasks.map(stateOf);
    if (atomic) return world.shared === null && states.filter((s) => s !== 'done').length >= 2 ? ['callers-while-slot-empty'] : [];
    const inWindow = states.filter((s) => IN_WINDOW.includes(s)).length;
    const asking = states.filter((s) => ASKING.includes(s)).length;
    const tags: string[] = [];
    if (inWindow >= 2) tags.push('two-between-check-and-assign');
    if (inWindow >= 1 && asking >= 1) tags.push('another-asks-during-creation');
    return tags;
  }

  /** Each task's state, client and place at the lock; the shared slot and every client created. */
  function expose(world: SingletonWorld): ExposedWorld {
    const observation = observe(world);
    return {
      actors: exposeActors(actors, (actor) => {
        const view = observation.tasks[actor]!;
        return exposedActor(stateOf(world.tasks[actor]!), actorStatusOf(view.status), view.client, mutexLabel(world.mutex, actor));
      }),
      shared: { slot: observation.shared, created: observation.created.map((c) => `${c.client} by ${c.by}`) },
    };
  }

  return {
    actors,
    initial,
    enabled,
    step,
    expose,
    key,
    observe,
    finished: (world, actor) => stateOf(world.tasks[actor]!) === 'done' || stateOf(world.tasks[actor]!) === 'failed',
    describe: (world, actor) => stateOf(world.tasks[actor]!),
    sharedName: 'process memory',
    lockHeld: (world, actor) => mutexLabel(world.mutex, actor),
    notable,
  };
}
