/**
 * The retry scenario (seeds 003 and 004) as a state space: N workers, each with its own connection, each
 * incrementing one counter row by read-modify-write inside a transaction under a retry decorator
 * (retry-worker.machine.ts), against the SQLite model (sqlite-world.ts), with a virtual clock.
 *
 * Time. Statements take no time; only waiting does. Two kinds of actor wait on the clock:
 * - a statement answered SQLITE_BUSY for which SQLite would invoke the busy handler (`wouldWait`) waits, as in
 *   the tickets model: it may step again when the same statement would now succeed, or at its deadline
 *   (clock + busy timeout) when nobody else can move, and then fails with SQLITE_BUSY;
 * - a worker backing off sleeps until its wake-up time (clock + the decorator's delay), and wakes only when
 *   nobody else can move.
 * When nobody can move, time jumps to the earliest deadline or wake-up, and the actors due then step (all of
 * them interleaved, with anyone they make ready). This is the schedule contract the real engine relies on: a
 * sleeping or waiting actor is picked only then. It is a timing assumption (statements are fast next to a
 * backoff delay); the `untimed` timing drops it for sleepers, which may then wake at any moment.
 */
import { initialTransition, transition } from 'xstate';
import type { SnapshotFrom } from 'xstate';
import { decideBusyWait, isBusy, refusalText, sqliteKeyPart, type WaitNote } from '../sqlite/virtual-busy-timeout.js';
import type { ExposedWorld, ScenarioModel, StepRecord, WorldKey } from '../scenario-model.js';
import { actorStatusOf, exposeActors, exposedActor } from '../exposed-world.js';
import type { Journal, StepOutcome } from '../sqlite/lock-script.js';
import type { SqliteCommand, SqliteWorld } from '../sqlite/sqlite-world.js';
import { connectionState, exposeConnections, initialSqliteWorld, lockLabel, stepSqliteWorld } from '../sqlite/sqlite-world.js';
import { jitterStreamSeed } from './backoff.js';
import type { RetryBeginMode, RetryPolicy, RetryWorkerEvent, RetryWorkerState } from './retry-worker.machine.js';
import { retryWorkerMachine } from './retry-worker.machine.js';
import type { RetryObservation, RetryWorkerStatus } from './retry.observation.js';
import { COUNTER_KEY, workerName } from './retry.observation.js';

export interface RetryParams {
  readonly workers: number;
  readonly journal: Journal;
  readonly mode: RetryBeginMode;
  readonly policy: RetryPolicy;
  /** The decorator's budget: attempts of one unit, the first included. */
  readonly maxAttempts: number;
  /** The backoff's first delay, in virtual milliseconds. */
  readonly baseDelayMs: number;
  /** Seeds the jitter streams (one per worker). */
  readonly jitterSeed: number;
  /** Virtual milliseconds a waiting statement may wait before it fails with SQLITE_BUSY (0: never waits). */
  readonly busyTimeoutMs: number;
  /**
   * `zero-time` (the default): statements take no time next to a backoff sleep, so a sleeping worker wakes
   * only when nobody else can move (or when its time has come and others are due too). `untimed`: no timing
   * assumption: a sleeping worker may wake at any moment, even while another is in the middle of a transaction
   * (a slow disk, a descheduled thread).
   */
  readonly timing: RetryTiming;
}

export type RetryTiming = 'zero-time' | 'untimed';

type WorkerSnapshot = SnapshotFrom<typeof retryWorkerMachine>;

export interface RetryWorld {
  readonly sqlite: SqliteWorld;
  readonly workers: readonly WorkerSnapshot[];
  /** Per worker: when its waiting statement gives up, or when its backoff sleep ends; null otherwise. */
  readonly timers: readonly (number | null)[];
  readonly clock: number;
}

/** The step a worker takes next: a statement, the decorator's sleep, or null when it has finished. */
export type RetryStep = { readonly kind: 'sql'; readonly command: SqliteCommand } | { readonly kind: 'sleep'; readonly ms: number };

export function nextStep(worker: WorkerSnapshot): RetryStep | null {
  const { context } = worker;
  const state = worker.value as RetryWorkerState;
  switch (state) {
    case 'beginning':
      return { kind: 'sql', command: { type: 'BEGIN', mode: context.mode } };
    case 'reading':
      return { kind: 'sql', command: { type: 'READ', key: COUNTER_KEY } };
    case 'writing':
      return { kind: 'sql', command: { type: 'WRITE', key: COUNTER_KEY, effect: { kind: 'set', value: (context.value ?? 0) + 1 } } };
    case 'committing':
      return { kind: 'sql', command: { type: 'COMMIT' } };
    case 'rollingBack':
      return { kind: 'sql', command: { type: 'ROLLBACK' } };
    case 'backingOff':
      return { kind: 'sleep', ms: context.delayMs };
    case 'done':
    case 'failed':
      return null;
  }
}

/** The words of a step's action, as both engines print them. */
export function retryActionText(step: RetryStep): string {
  if (step.kind === 'sleep') return `sleep ${step.ms} ms`;
  const { command } = step;
  switch (command.type) {
    case 'BEGIN':
      return `BEGIN ${command.mode.toUpperCase()}`;
    case 'READ':
      return `SELECT ${COUNTER_KEY}`;
    case 'WRITE':
      return `UPDATE ${COUNTER_KEY} SET v = ${command.effect.kind === 'set' ? command.effect.value : 'v + 1'}`;
    case 'COMMIT':
      return 'COMMIT';
    case 'ROLLBACK':
      return 'ROLLBACK';
  }
}

export type { WaitNote } from '../sqlite/virtual-busy-timeout.js';

/** The words of a statement's outcome: a read shows the value; a busy one says whether it waited. */
export function retryOutcomeText(outcome: StepOutcome, waited: WaitNote): string {
  if (outcome.status === 'ok') return outcome.value === undefined ? 'ok' : `${COUNTER_KEY} = ${outcome.value}`;
  return refusalText(outcome, waited);
}


function eventOf(outcome: StepOutcome): RetryWorkerEvent {
  if (outcome.status !== 'ok') return { type: 'SQL_FAILED', code: outcome.code ?? outcome.status, inTransaction: outcome.inTransaction };
  return outcome.value === undefined ? { type: 'SQL_OK' } : { type: 'SQL_OK', value: outcome.value };
}

export function createRetryModel(params: RetryParams): ScenarioModel<RetryWorld, RetryObservation> {
  const { workers: count, journal, mode, policy, maxAttempts, baseDelayMs, jitterSeed, busyTimeoutMs, timing } = params;
  const actors = Array.from({ length: count }, (_, i) => workerName(i));
  const workers = actors.map((_, i) => {
    const [snapshot] = initialTransition(retryWorkerMachine, { mode, policy, maxAttempts, baseDelayMs, streamSeed: jitterStreamSeed(jitterSeed, i) });
    return snapshot;
  });
  const initial: RetryWorld = {
    sqlite: initialSqliteWorld(journal, count, [COUNTER_KEY]),
    workers,
    timers: actors.map(() => null),
    clock: 0,
  };

  const stateOf = (world: RetryWorld, actor: number): RetryWorkerState => world.workers[actor]!.value as RetryWorkerState;

  /** Would this waiting worker's statement succeed if retried now? */
  function canProceed(world: RetryWorld, actor: number): boolean {
    const next = nextStep(world.workers[actor]!);
    return next !== null && next.kind === 'sql' && !isBusy(stepSqliteWorld(world.sqlite, actor, next.command).outcome);
  }

  function enabled(world: RetryWorld): number[] {
    const ready: number[] = [];
    const timed: number[] = [];
    world.workers.forEach((worker, actor) => {
      const next = nextStep(worker);
      if (next === null) return;
      const timer = world.timers[actor] ?? null;
      // Due now: a timer that has come is as ready as anyone (two workers waking at the same moment interleave).
      const due = timer !== null && timer <= world.clock;
      if (next.kind === 'sleep') (due || timing === 'untimed' ? ready : timed).push(actor);
      else if (timer === null || due || canProceed(world, actor)) ready.push(actor);
      else timed.push(actor);
    });
    if (ready.length > 0 || timed.length === 0) return ready;
    // Nobody can move: time passes to the earliest deadline or wake-up.
    const earliest = Math.min(...timed.map((a) => world.timers[a]!));
    return timed.filter((a) => world.timers[a] === earliest);
  }

  function step(world: RetryWorld, actor: number): { world: RetryWorld; record: StepRecord } {
    const worker = world.workers[actor];
    const next = worker === undefined ? null : nextStep(worker);
    if (worker === undefined || next === null) throw new RangeError(`${actorName(actor)} cannot step: it has finished`);
    const timers = world.timers.slice();
    const workersNext = world.workers.slice();
    const action = retryActionText(next);
    if (next.kind === 'sleep') {
      const clock = Math.max(world.clock, world.timers[actor] ?? world.clock);
      timers[actor] = null;
      [workersNext[actor]] = transition(retryWorkerMachine, worker, { type: 'WOKE' });
      return { world: { ...world, workers: workersNext, timers, clock }, record: { actor: actorName(actor), action, outcome: 'ok' } };
    }
    const deadline = world.timers[actor] ?? null;
    const result = stepSqliteWorld(world.sqlite, actor, next.command);
    const decision = decideBusyWait(result.outcome, deadline, world.clock, busyTimeoutMs);
    const { clock, waited } = decision;
    timers[actor] = decision.deadline;
    const [nextWorker] = decision.deliver ? transition(retryWorkerMachine, worker, eventOf(result.outcome)) : [worker];
    if ((nextWorker.value as RetryWorkerState) === 'backingOff') timers[actor] = clock + nextWorker.context.delayMs;
    workersNext[actor] = nextWorker;
    return {
      world: { sqlite: result.world, workers: workersNext, timers, clock },
      record: { actor: actorName(actor), action, outcome: retryOutcomeText(result.outcome, waited) },
    };
  }

  function actorName(actor: number): string {
    return actors[actor] ?? `actor-${actor}`;
  }

  function statusOf(world: RetryWorld, actor: number): RetryWorkerStatus {
    const state = stateOf(world, actor);
    if (state === 'done') return 'done';
    if (state === 'failed') return 'failed';
    if (state === 'backingOff') return 'sleeping';
    return world.timers[actor] === null ? 'running' : 'waiting';
  }

  function observe(world: RetryWorld): RetryObservation {
    return {
      workers: world.workers.map((worker, actor) => {
        const status = statusOf(world, actor);
        return {
          name: actorName(actor),
          status,
          committed: status === 'done',
          attempts: worker.context.mostAttempts,
          error: status === 'failed' ? worker.context.error : null,
        };
      }),
      counter: world.sqlite.committed[COUNTER_KEY] ?? 0,
      maxAttempts,
    };
  }

  /** Workers differ by their jitter streams, so the key is not symmetry-reduced; times are kept relative. */
  function key(world: RetryWorld): WorldKey {
    const { sqlite } = world;
    return JSON.stringify([
      world.workers.map((w) => {
        const c = w.context;
        return [w.value, c.value, c.attempt, c.mostAttempts, c.draws, c.delayMs, c.resume, c.error];
      }),
      world.timers.map((t) => (t === null ? null : t - world.clock)),
      sqliteKeyPart(sqlite),
    ]) as WorldKey;
  }

  /** Workers that hold the write lock, or are waiting for a statement that needs it. */
  function writeLockContenders(world: RetryWorld): number {
    let contenders = 0;
    world.workers.forEach((worker, i) => {
      const state = connectionState(world.sqlite, i);
      const holds = state === 'reserved' || state === 'pending' || state === 'exclusive' || state === 'writing';
      const next = nextStep(worker);
      const wants =
        (next?.kind === 'sql' && world.timers[i] !== null) ||
        (next?.kind === 'sql' && (next.command.type === 'WRITE' || (next.command.type === 'BEGIN' && next.command.mode !== 'deferred')));
      if (holds || wants) contenders++;
    });
    return contenders;
  }

  /**
   * The dangerous windows: two workers after the write lock at once; a worker backing off while another is
   * inside a transaction (a retry really raced someone).
   */
  function notable(world: RetryWorld): string[] {
    const tags: string[] = [];
    if (writeLockContenders(world) >= 2) tags.push('write-lock-contention');
    const sleeping = world.workers.some((w) => w.value === 'backingOff');
    const inside = world.workers.some((_, i) => connectionState(world.sqlite, i) !== 'autocommit');
    if (sleeping && inside) tags.push('backoff-under-contention');
    return tags;
  }

  /** Each worker's state, attempts and error; its connection's lock; the committed counter; the virtual clock. */
  function expose(world: RetryWorld): ExposedWorld {
    const observation = observe(world);
    return {
      actors: exposeActors(actors, (actor) => {
        const view = observation.workers[actor]!;
        const timer = world.timers[actor];
        const detail = view.error ?? (timer === null || timer === undefined ? null : `${view.status === 'sleeping' ? 'sleeps' : 'waits'} until t=${timer / 1000}s`);
        return exposedActor(`${stateOf(world, actor)} (attempt ${world.workers[actor]!.context.attempt})`, actorStatusOf(view.status), detail);
      }),
      connections: exposeConnections(world.sqlite, actors),
      shared: { counter: observation.counter },
      clock: world.clock,
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
    finished: (world, actor) => nextStep(world.workers[actor]!) === null,
    describe: (world, actor) => `${stateOf(world, actor)}/${connectionState(world.sqlite, actor)}`,
    sharedName: 'SQLite',
    lockHeld: (world, actor) => lockLabel(world.sqlite, actor),
    notable,
  };
}
