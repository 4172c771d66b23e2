/**
 * The lost-update scenario (seed 004) as a state space: N tasks, task i penalizing host i mod H once
 * (penalty-task.machine.ts) as an async task or a worker thread, over the per-host failure counts and the host table's lock. A step is one shared
 * access or one await of one task; a task waiting for the lock can step only once the lock has been handed to
 * it.
 */
import { initialTransition, transition } from 'xstate';
import type { SnapshotFrom } from 'xstate';
import type { ExposedWorld, ScenarioModel, StepRecord, WorldKey } from '../scenario-model.js';
import { actorStatusOf, exposeActors, exposedActor } from '../exposed-world.js';
import { acquireStep, FREE_MUTEX, mutexLabel, releaseStep, waitStep } from '../async/mutex-state.js';
import type { MutexState } from '../async/mutex-state.js';
import type { PenaltyBody, PenaltyTaskEvent, PenaltyTaskState } from './penalty-task.machine.js';
import { penaltyTaskMachine } from './penalty-task.machine.js';
import type { LostUpdateObservation, PenaltyTaskStatus } from './lost-update.observation.js';
import { hostName, penaltyFor, taskName } from './lost-update.observation.js';

export type LostUpdateGuard = 'unguarded' | 'locked';

/** async: tasks on one event loop, the read-modify-write spans an await; threads: worker threads, it spans a
 * possible thread switch (the same interleavings; only the report is not awaited). */
export type LostUpdateRuntime = 'async' | 'threads';

export interface LostUpdateParams {
  readonly tasks: number;
  readonly hosts: number;
  readonly guard: LostUpdateGuard;
  readonly runtime?: LostUpdateRuntime;
  /** `awaited` (the default, lockstep's own) or `sync` (upstream: no await inside the read-modify-write). */
  readonly body?: PenaltyBody;
}

type TaskSnapshot = SnapshotFrom<typeof penaltyTaskMachine>;

export interface LostUpdateWorld {
  readonly tasks: readonly TaskSnapshot[];
  /** Failure count per host index. */
  readonly failures: readonly number[];
  /** Per task: whether it has written its update. */
  readonly wrote: readonly boolean[];
  readonly mutex: MutexState;
}

const stateOf = (task: TaskSnapshot): PenaltyTaskState => task.value as PenaltyTaskState;

/** States between "read the count" and "wrote count + 1": the race window. */
const IN_WINDOW: readonly PenaltyTaskState[] = ['reporting', 'writing'];
/** States of a task that has not yet read its host's count. */
const ASKING: readonly PenaltyTaskState[] = ['locking', 'waiting', 'reading'];

export function createLostUpdateModel(params: LostUpdateParams): ScenarioModel<LostUpdateWorld, LostUpdateObservation> {
  const { tasks: count, hosts, guard } = params;
  const runtime = params.runtime ?? 'async';
  const body = params.body ?? 'awaited';
  const reportAction = runtime === 'async' ? 'await metrics.record()' : 'metrics.record()';
  // A synchronous body on one event loop: nothing else runs until it returns.
  const atomic = body === 'sync' && runtime === 'async';
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`tasks must be a positive integer, got ${String(count)}`);
  if (!Number.isInteger(hosts) || hosts < 1) throw new RangeError(`hosts must be a positive integer, got ${String(hosts)}`);
  const actors = Array.from({ length: count }, (_, i) => taskName(i));
  const hostCount = Math.min(hosts, count);
  const initial: LostUpdateWorld = {
    tasks: actors.map((_, i) => initialTransition(penaltyTaskMachine, { guarded: guard === 'locked', host: i % hosts, body, atomic })[0]),
    failures: Array.from({ length: hostCount }, () => 0),
    wrote: actors.map(() => false),
    mutex: FREE_MUTEX,
  };

  function enabled(world: LostUpdateWorld): number[] {
    const ready: number[] = [];
    world.tasks.forEach((task, actor) => {
      const state = stateOf(task);
      if (state === 'done') return;
      if (state === 'waiting' && world.mutex.holder !== actor) return;
      ready.push(actor);
    });
    return ready;
  }

  function step(world: LostUpdateWorld, actor: number): { world: LostUpdateWorld; record: StepRecord } {
    const task = world.tasks[actor];
    if (task === undefined) throw new RangeError(`no actor ${actor}`);
    const name = taskName(actor);
    const { host, seen } = task.context;
    const hostText = hostName(host);
    let next: Omit<LostUpdateWorld, 'tasks'> = world;
    let event: PenaltyTaskEvent;
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
      case 'penalizing': {
        if (world.mutex.holder !== null) throw new RangeError(`${name} cannot take the lock inside one step: it is held`);
        const failures = world.failures[host]! + 1;
        const counts = world.failures.slice();
        counts[host] = failures;
        const wrote = world.wrote.slice();
        wrote[actor] = true;
        next = { ...world, failures: counts, wrote };
        event = { type: 'PENALIZED' };
        action = task.context.guarded ? `penalize ${hostText} under the lock` : `penalize ${hostText}`;
        outcome = `failures ${failures}, penalty ${penaltyFor(failures)} s`;
        break;
      }
      case 'reading': {
        const failures = world.failures[host]!;
        event = { type: 'COUNT_READ', failures };
        action = `read ${hostText}`;
        outcome = `failures ${failures}`;
        break;
      }
      case 'reporting':
        event = { type: 'METRIC_RECORDED' };
        action = reportAction;
        outcome = 'ok';
        break;
      case 'writing': {
        const failures = seen! + 1;
        const counts = world.failures.slice();
        counts[host] = failures;
        const wrote = world.wrote.slice();
        wrote[actor] = true;
        next = { ...world, failures: counts, wrote };
        event = { type: 'COUNT_WRITTEN' };
        action = `write ${hostText}`;
        outcome = `failures ${failures}, penalty ${penaltyFor(failures)} s`;
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
    tasks[actor] = transition(penaltyTaskMachine, task, event)[0];
    return { world: { ...next, tasks }, record: { actor: name, action, outcome } };
  }

  function statusOf(task: TaskSnapshot): PenaltyTaskStatus {
    const state = stateOf(task);
    return state === 'done' ? 'done' : state === 'waiting' ? 'waiting' : 'running';
  }

  function observe(world: LostUpdateWorld): LostUpdateObservation {
    return {
      tasks: world.tasks.map((task, i) => ({ name: taskName(i), host: hostName(task.context.host), status: statusOf(task), wrote: world.wrote[i]! })),
      failures: Object.fromEntries(world.failures.map((f, h) => [hostName(h), f])),
    };
  }

  function key(world: LostUpdateWorld): WorldKey {
    return JSON.stringify([world.tasks.map((t) => [t.value, t.context.seen]), world.failures, world.wrote, world.mutex.holder, world.mutex.queue]) as WorldKey;
  }

  /**
   * The dangerous windows: a task between its read and its write while another task of the same host has not
   * yet read, or is between them too. A call that is one step has no such window; there the window is that two
   * penalties of one host are pending at once (the tasks that would race, if anything could come between).
   */
  function notable(world: LostUpdateWorld): string[] {
    const tags = new Set<string>();
    if (atomic) {
      const pending = world.tasks.filter((t) => stateOf(t) !== 'done').map((t) => t.context.host);
      if (new Set(pending).size < pending.length) tags.add('two-penalties-of-one-host-pending');
    }
    world.tasks.forEach((task, i) => {
      if (!IN_WINDOW.includes(stateOf(task))) return;
      world.tasks.forEach((other, j) => {
        if (j === i || other.context.host !== task.context.host) return;
        const state = stateOf(other);
        if (IN_WINDOW.includes(state)) tags.add('two-between-read-and-write');
        if (ASKING.includes(state)) tags.add('another-updates-same-host-during-window');
      });
    });
    return [...tags].sort();
  }

  /** Each task's state, host and place at the lock; the failure count of every host. */
  function expose(world: LostUpdateWorld): ExposedWorld {
    const observation = observe(world);
    return {
      actors: exposeActors(actors, (actor) => {
        const view = observation.tasks[actor]!;
        return exposedActor(stateOf(world.tasks[actor]!), actorStatusOf(view.status), `${view.host}${view.wrote ? ', wrote' : ''}`, mutexLabel(world.mutex, actor));
      }),
      shared: { failures: { ...observation.failures } },
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
