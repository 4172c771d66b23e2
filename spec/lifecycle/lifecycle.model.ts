/**
 * The lifecycle scenario (seed 000, VoxLogicA-2) as a state space: N workers ask for the same operation at
 * t = 0, each running operation-actor.machine.ts against one database (execution_state and results tables),
 * plus one late actor and, in the callbacks design, the notification thread. Virtual time in milliseconds.
 *
 * Actors, in schedule order: worker-0 .. worker-(N-1); then `late-waiter` (calls wait_for_completion
 * directly, and arrives late: it may take its first step only once the result is stored) or, under a fault,
 * `late-worker` (a process started at t = stale threshold + 1 s); then, in the callbacks design, `notifier`.
 *
 * Faults. crash-after-claim: a worker that wins the claim dies at its next step. stall-after-claim: it stops
 * for `stallMs` (a timed step, like a wait) with its claim in the row, then goes on as if nothing happened.
 *
 * Time. A waiter blocked on its event may step when the event is set, or, when nobody else can step, at its
 * deadline (registration time + the wait timeout): the clock moves there and the wait times out. The late
 * worker is timed the same way, at its arrival time, and so is a stalled worker, at the end of its stall. The notifier sleeps 100 ms between polls; a poll that
 * finds nothing to fire changes nothing but the clock, so the notifier is only scheduled when its poll fires
 * callbacks (pending callbacks, and the row reads `completed`): idle polls are folded into the time that
 * passes anyway. Its clock then moves to at least 100 ms after its previous poll. The notifier is bounded by
 * the run: it has finished when every other actor has.
 *
 * Processes. The workers, the late waiter and the notifier are threads of one process and share its memory
 * (the event table, the callbacks); the late worker is another process with memory of its own, so its store()
 * can set no event of the first process. Only the database is shared by all.
 */
import { initialTransition, transition } from 'xstate';
import type { SnapshotFrom } from 'xstate';
import type { ExposedWorld, ScenarioModel, StepRecord, WorldKey } from '../scenario-model.js';
import { actorStatusOf, exposeActors, exposedActor } from '../exposed-world.js';
import type { LifecycleActorStatus, LifecycleObservation, LifecycleRole } from './lifecycle.observation.js';
import { LATE_WORKER, lateWaiterName, NOTIFIER, workerName } from './lifecycle.observation.js';
import type { OperationActorEvent, OperationActorState, WaitDesign } from './operation-actor.machine.js';
import { operationActorMachine } from './operation-actor.machine.js';

export type LifecycleFault = 'none' | 'crash-after-claim' | 'stall-after-claim';

export interface LifecycleParams {
  readonly workers: number;
  /** Late waiters (without a fault; a fault brings the late worker instead). */
  readonly lateWaiters: number;
  readonly design: WaitDesign;
  readonly marksCompleted: boolean;
  readonly fault: LifecycleFault;
  /** wait_for_completion's timeout (the seed's 300 s). */
  readonly waitTimeoutMs: number;
  /** The notification thread's poll interval (the seed's 100 ms). */
  readonly pollMs: number;
  /** A running claim older than this is stale and deleted at a process's startup (the seed's one hour). */
  readonly staleMs: number;
  /** stall-after-claim: how long the claimant stops after its claim. */
  readonly stallMs: number;
}

export const DEFAULT_WAIT_TIMEOUT_MS = 300_000;
export const DEFAULT_POLL_MS = 100;
export const DEFAULT_STALE_MS = 3_600_000;
/** Longer than the stale threshold plus the late worker's delay: the late worker comes while the claimant sleeps. */
export const DEFAULT_STALL_MS = 3_700_000;
/** The late worker starts one second after the stale threshold. */
export const LATE_WORKER_DELAY_MS = 1_000;

type ActorSnapshot = SnapshotFrom<typeof operationActorMachine>;

export interface OperationRow {
  /** execution_state: the claimant (actor index) and when it claimed; null when there is no row. */
  readonly claimedBy: number | null;
  readonly claimedAt: number | null;
  readonly status: 'running' | 'completed' | null;
  /** results: whether the result row exists. */
  readonly result: boolean;
}

export interface LifecycleWorld {
  /** One snapshot per program actor (every actor but the notifier). */
  readonly programs: readonly ActorSnapshot[];
  readonly row: OperationRow;
  /** Every event object ever created, by id: whether it is set. */
  readonly events: readonly boolean[];
  /** Per program actor: the event it waits on (or waited on), or null. */
  readonly held: readonly (number | null)[];
  /** event design: the event in the per-operation table, or null. */
  readonly tableEvent: number | null;
  /** callbacks design: the events whose callbacks are registered and not fired yet. */
  readonly callbacks: readonly number[];
  /** Per program actor: the virtual time its wait times out, or the late worker's arrival; else null. */
  readonly deadlines: readonly (number | null)[];
  /** The notifier's next poll is not before this time. */
  readonly notifierWake: number;
  readonly clock: number;
  /** The program actors that ran the computation, in order. */
  readonly executions: readonly number[];
}

const FINAL_STATES: readonly OperationActorState[] = ['done', 'timedOut', 'notFound', 'crashed'];
const stateOf = (snapshot: ActorSnapshot): OperationActorState => snapshot.value as OperationActorState;
const isFinal = (snapshot: ActorSnapshot): boolean => FINAL_STATES.includes(stateOf(snapshot));

export function createLifecycleModel(params: LifecycleParams): ScenarioModel<LifecycleWorld, LifecycleObservation> {
  const { workers: count, lateWaiters, design, marksCompleted, fault, waitTimeoutMs, pollMs, staleMs, stallMs } = params;
  const lateNames = fault === 'none' ? Array.from({ length: lateWaiters }, (_, i) => lateWaiterName(i, lateWaiters)) : [LATE_WORKER];
  const lateRole: LifecycleRole = fault === 'none' ? 'waiter' : 'late-worker';
  const roles: LifecycleRole[] = [...Array.from({ length: count }, (): LifecycleRole => 'worker'), ...lateNames.map(() => lateRole)];
  const programNames = [...Array.from({ length: count }, (_, i) => workerName(i)), ...lateNames];
  const hasNotifier = design === 'callbacks';
  const actors = hasNotifier ? [...programNames, NOTIFIER] : programNames;
  const notifier = hasNotifier ? programNames.length : -1;
  const lateActors = lateNames.map((_, i) => count + i);
  const lateArrival = staleMs + LATE_WORKER_DELAY_MS;

  const programs = roles.map((role, i) => {
    const [snapshot] = initialTransition(operationActorMachine, {
      role,
      design,
      marksCompleted,
      // Under the fault, a worker of the first process dies if it wins the claim (one does); the late worker,
      // a process started later, does not.
      crashesAfterClaim: fault === 'crash-after-claim' && i < count,
      stallsAfterClaim: fault === 'stall-after-claim' && i < count,
    });
    return snapshot;
  });
  const initial: LifecycleWorld = {
    programs,
    row: { claimedBy: null, claimedAt: null, status: null, result: false },
    events: [],
    held: programs.map(() => null),
    tableEvent: null,
    callbacks: [],
    deadlines: roles.map((role) => (role === 'late-worker' ? lateArrival : null)),
    notifierWake: pollMs,
    clock: 0,
    executions: [],
  };

  const othersUnfinished = (world: LifecycleWorld): boolean => world.programs.some((p) => !isFinal(p));
  const notifierCanFire = (world: LifecycleWorld): boolean =>
    othersUnfinished(world) && world.callbacks.length > 0 && world.row.status === 'completed';

  /** Whether a program actor is held back until a time (its deadline) rather than ready now. */
  function isTimed(world: LifecycleWorld, actor: number): boolean {
    const state = stateOf(world.programs[actor]!);
    if (state === 'cleaningStale' || state === 'stalling') return true;
    if (state === 'waiting') return !world.events[world.held[actor]!]!;
    return false;
  }

  /** The late waiter arrives after the result is stored. */
  function hasArrived(world: LifecycleWorld, actor: number): boolean {
    const state = stateOf(world.programs[actor]!);
    const before = state === 'registering' || state === 'gettingEvent';
    return !(roles[actor] === 'waiter' && before && !world.row.result);
  }

  function enabled(world: LifecycleWorld): number[] {
    const ready: number[] = [];
    const timed: number[] = [];
    world.programs.forEach((program, actor) => {
      if (isFinal(program) || !hasArrived(world, actor)) return;
      if (isTimed(world, actor)) timed.push(actor);
      else ready.push(actor);
    });
    if (hasNotifier && notifierCanFire(world)) ready.push(notifier);
    if (ready.length > 0 || timed.length === 0) return ready;
    // Nobody can move: time passes to the earliest deadline.
    const earliest = Math.min(...timed.map((a) => world.deadlines[a]!));
    return timed.filter((a) => world.deadlines[a] === earliest);
  }

  const nameOf = (actor: number): string => actors[actor] ?? `actor-${actor}`;

  function stepNotifier(world: LifecycleWorld): { world: LifecycleWorld; record: StepRecord } {
    if (!notifierCanFire(world)) throw new RangeError('notifier cannot step: its poll would fire nothing');
    const clock = Math.max(world.clock, world.notifierWake);
    const events = world.events.slice();
    for (const id of world.callbacks) events[id] = true;
    const fired = world.callbacks.length;
    return {
      world: { ...world, events, callbacks: [], clock, notifierWake: clock + pollMs },
      record: { actor: NOTIFIER, action: 'poll', outcome: `completed at ${timeText(clock)}: fired ${fired} callback${fired === 1 ? '' : 's'}` },
    };
  }

  function step(world: LifecycleWorld, actor: number): { world: LifecycleWorld; record: StepRecord } {
    if (actor === notifier) return stepNotifier(world);
    const program = world.programs[actor];
    if (program === undefined || isFinal(program)) throw new RangeError(`${nameOf(actor)} cannot step: it has finished`);
    let { row, events, held, tableEvent, callbacks, deadlines, clock, executions } = world;
    let event: OperationActorEvent;
    let action: string;
    let outcome: string;
    const state = stateOf(program);
    switch (state) {
      case 'cleaningStale': {
        clock = Math.max(clock, deadlines[actor]!);
        deadlines = replace(deadlines, actor, null);
        const stale = row.status === 'running' && row.claimedAt !== null && row.claimedAt < clock - staleMs;
        if (stale) row = { ...row, claimedBy: null, claimedAt: null, status: null };
        action = 'DELETE stale claims';
        outcome = `deleted ${stale ? 1 : 0} at ${timeText(clock)}`;
        event = { type: 'OK' };
        break;
      }
      case 'lookingUp':
      case 'fetching':
        action = 'SELECT result';
        outcome = row.result ? 'found' : 'none';
        event = { type: row.result ? 'RESULT_FOUND' : 'RESULT_MISSING' };
        break;
      case 'claiming': {
        const inserted = row.status === null;
        if (inserted) row = { ...row, claimedBy: actor, claimedAt: clock, status: 'running' };
        action = 'INSERT OR IGNORE claim';
        outcome = inserted ? 'inserted' : 'ignored';
        event = { type: 'OK' };
        break;
      }
      case 'readingBack': {
        if (row.claimedBy === null || row.status === null) throw new Error(`${nameOf(actor)} read back no claim: the model lost its own row`);
        action = 'SELECT claim';
        if (row.claimedBy === actor) {
          outcome = 'mine';
          event = { type: 'CLAIM_MINE' };
          if (program.context.stallsAfterClaim) deadlines = replace(deadlines, actor, clock + stallMs);
        } else {
          outcome = `${nameOf(row.claimedBy)}'s, ${row.status}`;
          event = { type: 'CLAIM_TAKEN', status: row.status };
        }
        break;
      }
      case 'stalling':
        clock = Math.max(clock, deadlines[actor]!);
        deadlines = replace(deadlines, actor, null);
        action = 'stall';
        outcome = `resumed at ${timeText(clock)}`;
        event = { type: 'OK' };
        break;
      case 'executing':
        action = 'execute';
        if (program.context.crashesAfterClaim) {
          outcome = 'crashed';
          event = { type: 'CRASH' };
        } else {
          executions = [...executions, actor];
          outcome = 'ok';
          event = { type: 'OK' };
        }
        break;
      case 'storing':
        row = { ...row, result: true };
        action = 'INSERT result';
        outcome = 'ok';
        event = { type: 'OK' };
        break;
      case 'notifying': {
        action = 'set event';
        // The event table is memory of one process: the late worker's process has no waiters in it.
        if (tableEvent === null || roles[actor] === 'late-worker') outcome = 'no event';
        else {
          events = replace(events, tableEvent, true);
          outcome = 'set';
        }
        event = { type: 'OK' };
        break;
      }
      case 'markingCompleted':
        row = { ...row, status: 'completed' };
        action = 'UPDATE status = completed';
        outcome = 'ok';
        event = { type: 'OK' };
        break;
      case 'registering': {
        const id = events.length;
        events = [...events, false];
        held = replace(held, actor, id);
        callbacks = [...callbacks, id];
        deadlines = replace(deadlines, actor, clock + waitTimeoutMs);
        action = 'register callback';
        outcome = 'ok';
        event = { type: 'OK' };
        break;
      }
      case 'gettingEvent': {
        action = 'get event';
        if (tableEvent === null) {
          tableEvent = events.length;
          events = [...events, false];
          outcome = 'created';
        } else outcome = 'existing';
        held = replace(held, actor, tableEvent);
        deadlines = replace(deadlines, actor, clock + waitTimeoutMs);
        event = { type: 'OK' };
        break;
      }
      case 'waiting': {
        action = 'check event';
        if (events[held[actor]!]) {
          outcome = 'set';
          event = { type: 'EVENT_SET' };
        } else {
          clock = Math.max(clock, deadlines[actor]!);
          outcome = `timed out at ${timeText(clock)}`;
          event = { type: 'TIMED_OUT' };
        }
        deadlines = replace(deadlines, actor, null);
        break;
      }
      case 'cleaningUp':
        action = 'pop event';
        outcome = tableEvent === null ? 'already gone' : 'removed';
        tableEvent = null;
        event = { type: 'OK' };
        break;
      case 'start':
      case 'enteringWait':
      case 'done':
      case 'timedOut':
      case 'notFound':
      case 'crashed':
        throw new Error(`${nameOf(actor)} is in ${state}, which takes no step`);
      default:
        return assertNever(state);
    }
    const [next] = transition(operationActorMachine, program, event);
    return {
      world: { ...world, programs: replace(world.programs, actor, next), row, events, held, tableEvent, callbacks, deadlines, clock, executions },
      record: { actor: nameOf(actor), action, outcome },
    };
  }

  function statusOf(snapshot: ActorSnapshot): LifecycleActorStatus {
    switch (stateOf(snapshot)) {
      case 'done':
        return 'done';
      case 'timedOut':
        return 'timed-out';
      case 'notFound':
        return 'not-found';
      case 'crashed':
        return 'crashed';
      default:
        return 'running';
    }
  }

  function observe(world: LifecycleWorld): LifecycleObservation {
    return {
      actors: world.programs.map((p, a) => ({ name: programNames[a]!, role: roles[a]!, status: statusOf(p) })),
      executions: world.executions.map((a) => programNames[a]!),
      status: world.row.status ?? 'none',
      resultStored: world.row.result,
    };
  }

  /**
   * Symmetric key: the workers are interchangeable (same program, same start), and so are the late waiters
   * among themselves, so the key holds the sorted multiset of each group's local views, each with every
   * shared thing seen from that actor (is the claim mine, the event I hold: set, still the table's, callback
   * pending); the global rest follows.
   */
  function key(world: LifecycleWorld): WorldKey {
    const local = (actor: number): string => {
      const p = world.programs[actor]!;
      const id = world.held[actor] ?? null;
      const deadline = world.deadlines[actor] ?? null;
      return JSON.stringify([
        p.value,
        p.context.woke,
        deadline === null ? null : deadline - world.clock,
        id === null ? null : [world.events[id], world.tableEvent === id, world.callbacks.includes(id)],
        world.row.claimedBy === actor,
        world.executions.filter((a) => a === actor).length,
      ]);
    };
    const workerViews = Array.from({ length: count }, (_, a) => local(a)).sort();
    const { row } = world;
    const unheldTableEvent = world.tableEvent !== null && !world.held.includes(world.tableEvent) ? world.events[world.tableEvent] : null;
    return JSON.stringify([
      workerViews,
      lateActors.map((a) => local(a)).sort(),
      [row.claimedBy === null ? null : row.claimedBy >= count ? 'late' : 'worker', row.claimedAt, row.status, row.result],
      world.tableEvent === null ? null : unheldTableEvent,
      world.callbacks.length,
      world.executions.length,
      world.clock,
      world.notifierWake - world.clock,
    ]) as WorldKey;
  }

  /**
   * The dangerous windows: a waiter blocked on an event that is not set while the result is already stored;
   * the narrower one the missing mark_completed never leaves (stored, the row still `running`, a waiter
   * blocked); and two waiters blocked at once.
   */
  function notable(world: LifecycleWorld): string[] {
    const tags: string[] = [];
    const blocked = world.programs.some((p, a) => stateOf(p) === 'waiting' && world.events[world.held[a] ?? -1] === false);
    if (blocked && world.row.result) tags.push('waiter-waiting-while-result-stored');
    if (blocked && world.row.result && world.row.status === 'running') tags.push('waiter-waiting-between-store-and-complete');
    if (world.programs.filter((p) => stateOf(p) === 'waiting').length >= 2) tags.push('two-waiters-at-once');
    return tags;
  }

  /** Each caller's state, the operation's rows, who executed, the events and callbacks, the virtual clock. */
  function expose(world: LifecycleWorld): ExposedWorld {
    const observation = observe(world);
    return {
      actors: exposeActors(actors, (actor) => {
        if (actor === notifier) return exposedActor(othersUnfinished(world) ? 'polling' : 'stopped', othersUnfinished(world) ? (notifierCanFire(world) ? 'running' : 'waiting') : 'done');
        const view = observation.actors[actor]!;
        const waitingOn = world.held[actor];
        const state = stateOf(world.programs[actor]!);
        const waiting = state === 'waiting' && waitingOn !== null && waitingOn !== undefined && !world.events[waitingOn];
        const detail = waiting ? `waits on event ${waitingOn} until ${timeText(world.deadlines[actor]!)}` : null;
        return exposedActor(state, waiting ? 'waiting' : actorStatusOf(view.status), detail);
      }),
      shared: {
        execution_state: world.row.status === null ? null : { status: world.row.status, claimedBy: world.row.claimedBy === null ? null : nameOf(world.row.claimedBy), claimedAt: timeText(world.row.claimedAt ?? 0) },
        result: world.row.result,
        executions: observation.executions,
        events: world.events.map((set, id) => `event ${id}: ${set ? 'set' : 'clear'}${world.tableEvent === id ? ' (in the table)' : ''}`),
        ...(hasNotifier ? { callbacks: world.callbacks.length } : {}),
      },
      clock: world.clock,
    };
  }

  return {
    actors,
    initial,
    sharedName: 'storage backend',
    expose,
    enabled,
    step,
    key,
    observe,
    finished: (world, actor) => (actor === notifier ? !othersUnfinished(world) : isFinal(world.programs[actor]!)),
    describe: (world, actor) => (actor === notifier ? (othersUnfinished(world) ? 'polling' : 'stopped') : String(world.programs[actor]!.value)),
    notable,
  };
}

/** Virtual time as a trace shows it, in seconds: `t=300s`, `t=0.1s` (the real engine prints the same). */
export function timeText(ms: number): string {
  return `t=${ms / 1000}s`;
}

function replace<T>(items: readonly T[], index: number, value: T): T[] {
  const copy = items.slice();
  copy[index] = value;
  return copy;
}

function assertNever(value: never): never {
  throw new Error(`unexpected state ${String(value)}`);
}
