/**
 * The lifecycle scenario (seed 000, VoxLogicA-2) as a state space: N workers ask for the same operation at
 * t = 0, each running operation-actor.machine.ts against one database (execution_state and results tables),
 * plus late actors and, in the callbacks design, one notification thread per process. Virtual time in
 * milliseconds.
 *
 * Actors, in schedule order: worker-0 .. worker-(N-1); then the late waiters (they call wait_for_completion
 * directly and arrive late: each may take its first step only once the result is stored, or once every worker
 * has finished) or, under a fault, the
 * late workers (processes started one after another from the stale threshold + 1 s); then, in the callbacks
 * design, the notifiers, one per process, in process order.
 *
 * Processes. With the codes `write-up` and `v1` the workers and the late waiters are threads of one process
 * (its notifier is `notifier`) and share its memory (the event table, the callbacks); each late worker is a
 * process of its own (`late-notifier`, or `late-notifier-K`), so its store() can set no event of the first
 * process. With the code `v2` every program actor is a process of its own (`notifier-I` belongs to actor I):
 * 2451df0 coordinates threads of one process through process-local futures, which this scenario leaves out, so
 * it gives every caller a process, where those futures and the memory cache are private to one thread and
 * touch nobody else. Only the database is shared by all.
 *
 * Faults. crash-after-claim: a worker that wins the claim dies at its next step. stall-after-claim: it stops
 * for `stallMs` (a timed step, like a wait) with its claim in the row, then goes on as if nothing happened.
 *
 * Cleanup (what a late worker does first, as an engine start): `fail` is 02986bf's and 2451df0's
 * `cleanup_failed_executions`: running rows older than the threshold become failed, and nothing ever claims a
 * failed row again (mark_running only wins with its own INSERT). `delete` is lockstep's what-if: the stale claims
 * are deleted, so the late worker can claim the operation afresh.
 *
 * Start. `empty`: no row. `stale-completion`: the row reads completed and the result is nowhere, as an earlier
 * run left it (a result that only lived in that process's memory; writer-gap shows how).
 *
 * Time. A waiter blocked on its event may step when the event is set, or, when nobody else can step, at its
 * deadline (registration time + the wait timeout): the clock moves there and the wait times out. A late worker
 * is timed the same way, at its arrival time, and so is a stalled worker, at the end of its stall. A notifier
 * sleeps 100 ms between polls; a poll that finds nothing to fire changes nothing but the clock, so a notifier is
 * only scheduled when its poll fires callbacks (its process has pending callbacks, and the row reads completed,
 * or, in v1 and v2, failed): idle polls are folded into the time that passes anyway. Its clock then moves to at
 * least 100 ms after its previous poll. The notifiers are bounded by the run: they have finished when every
 * other actor has.
 */
import { initialTransition, transition } from 'xstate';
import type { SnapshotFrom } from 'xstate';
import type { ExposedWorld, ScenarioModel, StepRecord, WorldKey } from '../scenario-model.js';
import { actorStatusOf, exposeActors, exposedActor } from '../exposed-world.js';
import type { LifecycleActorStatus, LifecycleObservation, LifecycleRole } from './lifecycle.observation.js';
import { EARLIER_RUN, lateWaiterName, lateWorkerName, NOTIFIER, workerName } from './lifecycle.observation.js';
import type { LifecycleCode, OperationActorEvent, OperationActorState, RowStatus, WaitDesign } from './operation-actor.machine.js';
import { operationActorMachine } from './operation-actor.machine.js';

export type LifecycleFault = 'none' | 'crash-after-claim' | 'stall-after-claim';
export type LifecycleCleanup = 'fail' | 'delete';
export type LifecycleStart = 'empty' | 'stale-completion';

export interface LifecycleParams {
  readonly code: LifecycleCode;
  readonly workers: number;
  /** Late waiters (without a fault; a fault brings the late workers instead). */
  readonly lateWaiters: number;
  /** Late workers under a fault: processes started after the stale threshold, one second apart. */
  readonly lateWorkers: number;
  readonly design: WaitDesign;
  readonly marksCompleted: boolean;
  readonly fault: LifecycleFault;
  readonly cleanup: LifecycleCleanup;
  readonly start: LifecycleStart;
  /** wait_for_completion's timeout (the seed's 300 s). */
  readonly waitTimeoutMs: number;
  /** The notification thread's poll interval (the seed's 100 ms). */
  readonly pollMs: number;
  /** A running claim older than this is stale (the seed's one hour). */
  readonly staleMs: number;
  /** stall-after-claim: how long the claimant stops after its claim. */
  readonly stallMs: number;
}

export const DEFAULT_WAIT_TIMEOUT_MS = 300_000;
export const DEFAULT_POLL_MS = 100;
export const DEFAULT_STALE_MS = 3_600_000;
/** Longer than the stale threshold plus the late worker's delay: the late worker comes while the claimant sleeps. */
export const DEFAULT_STALL_MS = 3_700_000;
/** The first late worker starts one second after the stale threshold, each further one a second later. */
export const LATE_WORKER_DELAY_MS = 1_000;

type ActorSnapshot = SnapshotFrom<typeof operationActorMachine>;

/** An actor index, or EARLIER (the start `stale-completion`: a run before this one claimed it). */
const EARLIER = -1;

export interface OperationRow {
  /** execution_state: the claimant (actor index, or -1 for an earlier run) and when it claimed; null when there is no row. */
  readonly claimedBy: number | null;
  readonly claimedAt: number | null;
  readonly status: 'running' | 'completed' | 'failed' | null;
  /** results: whether the result row exists. */
  readonly result: boolean;
}

/** What the threads of one process share (besides the database). */
export interface ProcessState {
  /** event design: the event in this process's per-operation table, or null. */
  readonly tableEvent: number | null;
  /** callbacks design: the events whose callbacks are registered in this process and not fired or removed yet. */
  readonly callbacks: readonly number[];
  /** This process's notifier polls next not before this time. */
  readonly notifierWake: number;
}

export interface LifecycleWorld {
  /** One snapshot per program actor (every actor but the notifiers). */
  readonly programs: readonly ActorSnapshot[];
  readonly row: OperationRow;
  /** Every event object ever created, by id: whether it is set. */
  readonly events: readonly boolean[];
  /** Per program actor: the event it waits on (or waited on), or null. */
  readonly held: readonly (number | null)[];
  readonly processes: readonly ProcessState[];
  /** Per program actor: the virtual time its wait times out, its stall ends, or the late worker arrives; else null. */
  readonly deadlines: readonly (number | null)[];
  readonly clock: number;
  /** The program actors that ran the computation, in order. */
  readonly executions: readonly number[];
}

const FINAL_STATES: readonly OperationActorState[] = ['done', 'timedOut', 'notFound', 'crashed', 'failed', 'refused', 'staleCleaned'];
const stateOf = (snapshot: ActorSnapshot): OperationActorState => snapshot.value as OperationActorState;
const isFinal = (snapshot: ActorSnapshot): boolean => FINAL_STATES.includes(stateOf(snapshot));

/** The actor names of a run, in schedule order, and which process each program actor belongs to. */
export interface LifecycleLayout {
  readonly programNames: readonly string[];
  readonly roles: readonly LifecycleRole[];
  /** Per program actor: its process. */
  readonly processOf: readonly number[];
  /** Per process: its notifier's name (callbacks design), in process order. */
  readonly notifierNames: readonly string[];
  /** Per program actor: the time a late worker arrives, else null. */
  readonly arrivals: readonly (number | null)[];
}

/** Who the actors are: written once for both engines' sake (the real engine derives the same layout). */
export function lifecycleLayout(params: Pick<LifecycleParams, 'code' | 'workers' | 'lateWaiters' | 'lateWorkers' | 'fault' | 'design' | 'staleMs'>): LifecycleLayout {
  const { code, workers, lateWaiters, lateWorkers, fault, design, staleMs } = params;
  const faulty = fault !== 'none';
  const lateNames = faulty ? Array.from({ length: lateWorkers }, (_, i) => lateWorkerName(i, lateWorkers)) : Array.from({ length: lateWaiters }, (_, i) => lateWaiterName(i, lateWaiters));
  const programNames = [...Array.from({ length: workers }, (_, i) => workerName(i)), ...lateNames];
  const roles: LifecycleRole[] = [...Array.from({ length: workers }, (): LifecycleRole => 'worker'), ...lateNames.map((): LifecycleRole => (faulty ? 'late-worker' : 'waiter'))];
  const arrivals = roles.map((role, i) => (role === 'late-worker' ? staleMs + LATE_WORKER_DELAY_MS * (i - workers + 1) : null));
  let processOf: number[];
  let processNames: string[];
  if (code === 'v2') {
    processOf = programNames.map((_, i) => i);
    processNames = programNames.map((_, i) => `${NOTIFIER}-${i}`);
  } else {
    processOf = roles.map((role, i) => (role === 'late-worker' ? 1 + i - workers : 0));
    const lateProcesses = faulty ? lateWorkers : 0;
    processNames = [NOTIFIER, ...Array.from({ length: lateProcesses }, (_, k) => (lateProcesses === 1 ? `late-${NOTIFIER}` : `late-${NOTIFIER}-${k}`))];
  }
  return { programNames, roles, processOf, notifierNames: design === 'callbacks' ? processNames : [], arrivals };
}

export function createLifecycleModel(params: LifecycleParams): ScenarioModel<LifecycleWorld, LifecycleObservation> {
  const { workers: count, code, design, marksCompleted, fault, cleanup, start, waitTimeoutMs, pollMs, staleMs, stallMs } = params;
  const layout = lifecycleLayout(params);
  const { programNames, roles, processOf, notifierNames } = layout;
  const processCount = Math.max(...processOf) + 1;
  const hasNotifiers = design === 'callbacks';
  const actors = [...programNames, ...notifierNames];
  /** The notifier actor of process p is programNames.length + p. */
  const notifierProcess = (actor: number): number | null => (hasNotifiers && actor >= programNames.length ? actor - programNames.length : null);
  const lateActors = programNames.map((_, i) => i).filter((i) => i >= count);
  /** Late waiters are interchangeable; late workers arrive at different times and are not. */
  const lateSymmetric = fault === 'none';
  /** Every program actor its own process: a process's shared state belongs to its actor's local view. */
  const separate = code === 'v2';
  /** The statuses at which a poll fires callbacks: the write-up's notifier reads completed only; 02986bf's poll also failed. */
  const fires = (status: OperationRow['status']): boolean => status === 'completed' || (code !== 'write-up' && status === 'failed');

  const programs = roles.map((role, i) => {
    const [snapshot] = initialTransition(operationActorMachine, {
      role,
      code,
      design,
      marksCompleted,
      // Under the fault, a worker of the first run dies (or stalls) if it wins the claim (one does); the late
      // workers, processes started later, do not.
      crashesAfterClaim: fault === 'crash-after-claim' && i < count,
      stallsAfterClaim: fault === 'stall-after-claim' && i < count,
    });
    return snapshot;
  });
  const initial: LifecycleWorld = {
    programs,
    row: start === 'stale-completion' ? { claimedBy: EARLIER, claimedAt: 0, status: 'completed', result: false } : { claimedBy: null, claimedAt: null, status: null, result: false },
    events: [],
    held: programs.map(() => null),
    processes: Array.from({ length: processCount }, (): ProcessState => ({ tableEvent: null, callbacks: [], notifierWake: pollMs })),
    deadlines: [...layout.arrivals],
    clock: 0,
    executions: [],
  };

  const othersUnfinished = (world: LifecycleWorld): boolean => world.programs.some((p) => !isFinal(p));
  const notifierCanFire = (world: LifecycleWorld, p: number): boolean => othersUnfinished(world) && world.processes[p]!.callbacks.length > 0 && fires(world.row.status);

  /** Whether a program actor is held back until a time (its deadline) rather than ready now. */
  function isTimed(world: LifecycleWorld, actor: number): boolean {
    const state = stateOf(world.programs[actor]!);
    if (state === 'cleaningStale' || state === 'stalling') return true;
    if (state === 'waiting') return !world.events[world.held[actor]!]!;
    return false;
  }

  /**
   * A late waiter arrives after the result is stored: it takes its first step only then, or once every worker
   * has finished without storing it (the start `stale-completion`, where nobody may ever store it).
   */
  function hasArrived(world: LifecycleWorld, actor: number): boolean {
    if (roles[actor] !== 'waiter' || world.row.result) return true;
    if (world.programs.every((p, a) => roles[a] !== 'worker' || isFinal(p))) return true;
    const state = stateOf(world.programs[actor]!);
    return !(state === 'registering' || state === 'gettingEvent' || state === 'waitLookingUp');
  }

  function enabled(world: LifecycleWorld): number[] {
    const ready: number[] = [];
    const timed: number[] = [];
    world.programs.forEach((program, actor) => {
      if (isFinal(program) || !hasArrived(world, actor)) return;
      if (isTimed(world, actor)) timed.push(actor);
      else ready.push(actor);
    });
    if (hasNotifiers) world.processes.forEach((_, p) => notifierCanFire(world, p) && ready.push(programNames.length + p));
    if (ready.length > 0 || timed.length === 0) return ready;
    // Nobody can move: time passes to the earliest deadline.
    const earliest = Math.min(...timed.map((a) => world.deadlines[a]!));
    return timed.filter((a) => world.deadlines[a] === earliest);
  }

  const nameOf = (actor: number): string => (actor === EARLIER ? EARLIER_RUN : (actors[actor] ?? `actor-${actor}`));

  function stepNotifier(world: LifecycleWorld, p: number): { world: LifecycleWorld; record: StepRecord } {
    if (!notifierCanFire(world, p)) throw new RangeError(`${notifierNames[p]} cannot step: its poll would fire nothing`);
    const process = world.processes[p]!;
    const clock = Math.max(world.clock, process.notifierWake);
    const events = world.events.slice();
    for (const id of process.callbacks) events[id] = true;
    const fired = process.callbacks.length;
    return {
      world: { ...world, events, processes: replace(world.processes, p, { ...process, callbacks: [], notifierWake: clock + pollMs }), clock },
      record: { actor: notifierNames[p]!, action: 'poll', outcome: `${world.row.status} at ${timeText(clock)}: fired ${fired} callback${fired === 1 ? '' : 's'}` },
    };
  }

  const statusWord = (row: OperationRow): RowStatus => row.status ?? 'none';

  function step(world: LifecycleWorld, actor: number): { world: LifecycleWorld; record: StepRecord } {
    const notifying = notifierProcess(actor);
    if (notifying !== null) return stepNotifier(world, notifying);
    const program = world.programs[actor];
    if (program === undefined || isFinal(program)) throw new RangeError(`${nameOf(actor)} cannot step: it has finished`);
    const p = processOf[actor]!;
    let { row, events, held, processes, deadlines, clock, executions } = world;
    const process = (): ProcessState => processes[p]!;
    const setProcess = (next: Partial<ProcessState>): void => {
      processes = replace(processes, p, { ...process(), ...next });
    };
    let event: OperationActorEvent;
    let action: string;
    let outcome: string;
    const state = stateOf(program);
    switch (state) {
      case 'cleaningStale': {
        clock = Math.max(clock, deadlines[actor]!);
        deadlines = replace(deadlines, actor, null);
        const stale = row.status === 'running' && row.claimedAt !== null && row.claimedAt < clock - staleMs;
        switch (cleanup) {
          case 'delete':
            if (stale) row = { ...row, claimedBy: null, claimedAt: null, status: null };
            action = 'DELETE stale claims';
            outcome = `deleted ${stale ? 1 : 0} at ${timeText(clock)}`;
            break;
          case 'fail':
            if (stale) row = { ...row, status: 'failed' };
            action = 'UPDATE stale claims to failed';
            outcome = `failed ${stale ? 1 : 0} at ${timeText(clock)}`;
            break;
        }
        event = { type: 'OK' };
        break;
      }
      case 'lookingUp':
      case 'fetching':
      case 'storeLookingUp':
      case 'persistChecking':
      case 'awaitingLookUp':
      case 'waitLookingUp':
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
        action = 'SELECT claim';
        if (row.claimedBy === null || row.status === null) {
          // Possible only when a DELETE came between this actor's INSERT OR IGNORE and its read-back.
          outcome = 'no row';
          event = { type: 'CLAIM_TAKEN', status: 'none' };
        } else if (row.claimedBy === actor) {
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
        // The write-up's store() replaces the row; 02986bf's and 2451df0's INSERT OR IGNORE keep one already there.
        action = 'INSERT result';
        outcome = code === 'write-up' ? 'ok' : row.result ? 'ignored' : 'inserted';
        row = { ...row, result: true };
        event = { type: 'OK' };
        break;
      case 'notifying': {
        action = 'set event';
        const table = process().tableEvent;
        if (table === null) outcome = 'no event';
        else {
          events = replace(events, table, true);
          outcome = 'set';
        }
        event = { type: 'OK' };
        break;
      }
      case 'markingCompleted':
        action = 'UPDATE status = completed';
        if (row.status === null) outcome = 'no row';
        else {
          row = { ...row, status: 'completed' };
          outcome = 'ok';
        }
        event = { type: 'OK' };
        break;
      case 'deletingStale':
        action = 'DELETE claim';
        outcome = `deleted ${row.status === null ? 0 : 1}`;
        row = { ...row, claimedBy: null, claimedAt: null, status: null };
        event = { type: 'OK' };
        break;
      case 'checkingRunning':
      case 'checkingFailed':
      case 'rechecking':
        action = 'SELECT status';
        outcome = statusWord(row);
        event = { type: 'STATUS', status: statusWord(row) };
        break;
      case 'registering': {
        const id = events.length;
        events = [...events, false];
        held = replace(held, actor, id);
        setProcess({ callbacks: [...process().callbacks, id] });
        deadlines = replace(deadlines, actor, clock + waitTimeoutMs);
        action = 'register callback';
        outcome = 'ok';
        event = { type: 'OK' };
        break;
      }
      case 'gettingEvent': {
        action = 'get event';
        let table = process().tableEvent;
        if (table === null) {
          table = events.length;
          events = [...events, false];
          setProcess({ tableEvent: table });
          outcome = 'created';
        } else outcome = 'existing';
        held = replace(held, actor, table);
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
      case 'unregistering': {
        const mine = held[actor]!;
        const registered = process().callbacks.includes(mine);
        setProcess({ callbacks: process().callbacks.filter((id) => id !== mine) });
        action = 'remove callback';
        outcome = registered ? 'removed' : 'already gone';
        event = { type: 'OK' };
        break;
      }
      case 'cleaningUp':
        action = 'pop event';
        outcome = process().tableEvent === null ? 'already gone' : 'removed';
        setProcess({ tableEvent: null });
        event = { type: 'OK' };
        break;
      case 'start':
      case 'enteringWait':
      case 'enteringWriteUpWait':
      case 'done':
      case 'timedOut':
      case 'notFound':
      case 'crashed':
      case 'failed':
      case 'refused':
      case 'staleCleaned':
        throw new Error(`${nameOf(actor)} is in ${state}, which takes no step`);
      default:
        return assertNever(state);
    }
    const [next] = transition(operationActorMachine, program, event);
    return {
      world: { ...world, programs: replace(world.programs, actor, next), row, events, held, processes, deadlines, clock, executions },
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
      case 'failed':
        return 'failed';
      case 'refused':
        return 'refused';
      case 'staleCleaned':
        return 'stale-cleaned';
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

  /** A process's shared state as seen from one of its actors (or from nobody in particular): the table's event, pending callbacks, the notifier's next poll. */
  const processView = (world: LifecycleWorld, p: number): unknown => {
    const { tableEvent, callbacks, notifierWake } = world.processes[p]!;
    const unheldTableEvent = tableEvent !== null && !world.held.includes(tableEvent) ? world.events[tableEvent] : null;
    return [tableEvent === null ? null : unheldTableEvent, callbacks.length, notifierWake - world.clock];
  };

  /**
   * Symmetric key: the workers are interchangeable (same program, same start, and in v2 each with a process of
   * its own), and so are the late waiters among themselves, so the key holds the sorted multiset of each group's
   * local views, each with every shared thing seen from that actor (is the claim mine, the event I hold: set,
   * still the table's, callback pending; in v2 my process's state too); the global rest follows. Late workers
   * arrive at different times and keep their order.
   */
  function key(world: LifecycleWorld): WorldKey {
    const local = (actor: number): string => {
      const p = world.programs[actor]!;
      const id = world.held[actor] ?? null;
      const deadline = world.deadlines[actor] ?? null;
      const process = world.processes[processOf[actor]!]!;
      return JSON.stringify([
        p.value,
        p.context.woke,
        deadline === null ? null : deadline - world.clock,
        id === null ? null : [world.events[id], process.tableEvent === id, process.callbacks.includes(id)],
        world.row.claimedBy === actor,
        world.executions.filter((a) => a === actor).length,
        separate ? processView(world, processOf[actor]!) : null,
      ]);
    };
    const workerViews = Array.from({ length: count }, (_, a) => local(a)).sort();
    const lateViews = lateActors.map((a) => local(a));
    const { row } = world;
    const claimant = row.claimedBy === null ? null : row.claimedBy === EARLIER ? 'earlier' : row.claimedBy >= count ? row.claimedBy : 'worker';
    return JSON.stringify([
      workerViews,
      lateSymmetric ? lateViews.sort() : lateViews,
      [claimant, row.claimedAt, row.status, row.result],
      separate ? null : world.processes.map((_, p) => processView(world, p)),
      world.executions.length,
      world.clock,
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

  /** The trace's status of a caller that has returned: 2451df0's raises are failures too. */
  const exposedStatusOf = (status: LifecycleActorStatus): ReturnType<typeof actorStatusOf> =>
    status === 'refused' || status === 'stale-cleaned' ? 'failed' : actorStatusOf(status);

  /** Each caller's state, the operation's rows, who executed, the events and callbacks per process, the virtual clock. */
  function expose(world: LifecycleWorld): ExposedWorld {
    const observation = observe(world);
    const tableOf = (id: number): number => world.processes.findIndex((process) => process.tableEvent === id);
    return {
      actors: exposeActors(actors, (actor) => {
        const p = notifierProcess(actor);
        if (p !== null) return exposedActor(othersUnfinished(world) ? 'polling' : 'stopped', othersUnfinished(world) ? (notifierCanFire(world, p) ? 'running' : 'waiting') : 'done');
        const view = observation.actors[actor]!;
        const waitingOn = world.held[actor];
        const state = stateOf(world.programs[actor]!);
        const waiting = state === 'waiting' && waitingOn !== null && waitingOn !== undefined && !world.events[waitingOn];
        const detail = waiting ? `waits on event ${waitingOn} until ${timeText(world.deadlines[actor]!)}` : null;
        return exposedActor(state, waiting ? 'waiting' : exposedStatusOf(view.status), detail);
      }),
      shared: {
        execution_state: world.row.status === null ? null : { status: world.row.status, claimedBy: world.row.claimedBy === null ? null : nameOf(world.row.claimedBy), claimedAt: timeText(world.row.claimedAt ?? 0) },
        result: world.row.result,
        executions: observation.executions,
        events: world.events.map((set, id) => `event ${id}: ${set ? 'set' : 'clear'}${tableOf(id) >= 0 ? ` (in ${notifierNames.length > 0 || processCount > 1 ? `process ${tableOf(id)}'s` : 'the'} table)` : ''}`),
        ...(hasNotifiers ? { callbacks: world.processes.map((process) => process.callbacks.length) } : {}),
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
    finished: (world, actor) => (notifierProcess(actor) !== null ? !othersUnfinished(world) : isFinal(world.programs[actor]!)),
    describe: (world, actor) => (notifierProcess(actor) !== null ? (othersUnfinished(world) ? 'polling' : 'stopped') : String(world.programs[actor]!.value)),
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
