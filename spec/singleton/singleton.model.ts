/**
 * The singleton scenario (seed 004) as a state space: N tasks, each calling the shared-client getter once
 * (client-getter-task.machine.ts), over one shared slot, the list of clients created, and the slot's lock.
 * A step is one shared access or one await of one task; a task waiting for the lock can step only once the
 * lock has been handed to it.
 */
import { initialTransition, transition } from 'xstate';
import type { SnapshotFrom } from 'xstate';
import type { ExposedWorld, ScenarioModel, StepRecord, WorldKey } from '../scenario-model.js';
import { actorStatusOf, exposeActors, exposedActor } from '../exposed-world.js';
import { acquireStep, FREE_MUTEX, mutexLabel, releaseStep, waitStep } from '../async/mutex-state.js';
import type { MutexState } from '../async/mutex-state.js';
import type { GetterTaskEvent, GetterTaskState } from './client-getter-task.machine.js';
import { getterTaskMachine } from './client-getter-task.machine.js';
import type { SingletonObservation, SingletonTaskStatus } from './singleton.observation.js';
import { clientName, taskName } from './singleton.observation.js';

export type SingletonGuard = 'unguarded' | 'locked';

export interface SingletonParams {
  readonly tasks: number;
  readonly guard: SingletonGuard;
}

type TaskSnapshot = SnapshotFrom<typeof getterTaskMachine>;

export interface SingletonWorld {
  readonly tasks: readonly TaskSnapshot[];
  /** The client id in the shared slot, or null. */
  readonly shared: number | null;
  /** Clients created, in order (client id = position + 1), with their creator. */
  readonly created: readonly number[];
  readonly mutex: MutexState;
}

const stateOf = (task: TaskSnapshot): GetterTaskState => task.value as GetterTaskState;

/** States between "the slot was empty" and "the slot holds my client": the race window. */
const IN_WINDOW: readonly GetterTaskState[] = ['creating', 'assigning'];
/** States of a task that has not yet looked at the slot. */
const ASKING: readonly GetterTaskState[] = ['locking', 'waiting', 'reading'];

export function createSingletonModel(params: SingletonParams): ScenarioModel<SingletonWorld, SingletonObservation> {
  const { tasks: count, guard } = params;
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`tasks must be a positive integer, got ${String(count)}`);
  const actors = Array.from({ length: count }, (_, i) => taskName(i));
  const initial: SingletonWorld = {
    tasks: actors.map(() => initialTransition(getterTaskMachine, { guarded: guard === 'locked' })[0]),
    shared: null,
    created: [],
    mutex: FREE_MUTEX,
  };

  function enabled(world: SingletonWorld): number[] {
    const ready: number[] = [];
    world.tasks.forEach((task, actor) => {
      const state = stateOf(task);
      if (state === 'done') return;
      if (state === 'waiting' && world.mutex.holder !== actor) return;
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
      case 'locking':
      case 'waiting': {
        const lock = state === 'locking' ? acquireStep(world.mutex, actor, taskName) : waitStep(world.mutex, actor, taskName);
        next = { ...world, mutex: lock.mutex };
        ({ event, action, outcome } = lock);
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
        action = 'await createClient()';
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
        const lock = releaseStep(world.mutex, taskName);
        next = { ...world, mutex: lock.mutex };
        ({ event, action, outcome } = lock);
        break;
      }
      case 'starting':
      case 'done':
        throw new RangeError(`${name} cannot step: it is ${state}`);
    }
    const tasks = world.tasks.slice();
    tasks[actor] = transition(getterTaskMachine, task, event)[0];
    return { world: { ...next, tasks }, record: { actor: name, action, outcome } };
  }

  function statusOf(task: TaskSnapshot): SingletonTaskStatus {
    const state = stateOf(task);
    return state === 'done' ? 'done' : state === 'waiting' ? 'waiting' : 'running';
  }

  function observe(world: SingletonWorld): SingletonObservation {
    return {
      tasks: world.tasks.map((task, i) => {
        const status = statusOf(task);
        return { name: taskName(i), status, client: status === 'done' ? clientName(task.context.client!) : null };
      }),
      created: world.created.map((by, i) => ({ client: clientName(i + 1), by: taskName(by) })),
      shared: world.shared === null ? null : clientName(world.shared),
    };
  }

  function key(world: SingletonWorld): WorldKey {
    return JSON.stringify([world.tasks.map((t) => [t.value, t.context.client]), world.shared, world.created, world.mutex.holder, world.mutex.queue]) as WorldKey;
  }

  function notable(world: SingletonWorld): string[] {
    const states = world.tasks.map(stateOf);
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
    finished: (world, actor) => stateOf(world.tasks[actor]!) === 'done',
    describe: (world, actor) => stateOf(world.tasks[actor]!),
    sharedName: 'process memory',
    lockHeld: (world, actor) => mutexLabel(world.mutex, actor),
    notable,
  };
}
