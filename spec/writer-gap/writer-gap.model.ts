/**
 * The writer-gap scenario (seed 001, VoxLogicA-2) as a state space. N workers execute the same operation
 * (deduplicated through execution_state: one claims it, the others wait for its result), a late reader waits for
 * the result too, the background writer drains the write queue into the results table, and a restart, once
 * everybody else has finished, reopens the database with an empty memory cache and retrieves the result.
 * Everybody shares one connection (the seed's single-connection backend) and every statement runs in
 * autocommit, so SQLite's locks never refuse anyone here: what matters is the order of the steps, and the
 * database is modelled as the committed values the statements read and write.
 *
 * The restart is the process going away: after it, no other actor steps again (what was only in memory or in
 * the queue is gone). With `restart: 'any-time'` it may come at any step, a crash.
 *
 * Waiting (`wake`). In the seed's redesign (`notifier`, the default) a waiter registers a callback and waits on
 * an event; the notification thread, an actor of its own, polls the status of the operations that have
 * callbacks every 100 ms of virtual time and fires the callbacks of those that read completed; the woken
 * waiter then retrieves. A poll that finds nothing to fire changes nothing but the clock, so the notifier is
 * only scheduled when its poll fires callbacks (some are registered, and the status reads completed): idle
 * polls are folded into the time that passes anyway, and each firing poll comes 100 ms after the previous one.
 * The notifier has finished once every caller and the writer have. With `wake: 'poll'` (the loop the redesign
 * replaced) there is no notifier and each waiter polls the status itself.
 *
 * Variants (the backend's code; properties/catalogue.ts says where each comes from): `queued` (02986bf's store():
 * queue the write and return; retrieve() reads the database first), `db-first` (the write-up's fix on that
 * code: memory copy before queueing, evicted after the row is written), `memory-cache` (the same fix with
 * 2451df0's retrieve: memory, then the database), `persisted` (2451df0's synchronous path, see
 * caller.machine.ts). Faults: `write-fails`, every background INSERT fails with SQLITE_FULL; `persist-busy`,
 * every synchronous persist meets another process's write lock held past the busy timeout (SQLITE_BUSY).
 * Restart `after-threshold`: the engine start's cleanup (running rows older than the stale threshold become
 * failed) runs before the restarted process looks.
 */
import { initialTransition, transition } from 'xstate';
import type { SnapshotFrom } from 'xstate';
import type { ExposedWorld, ScenarioModel, StepRecord, WorldKey } from '../scenario-model.js';
import { actorStatusOf, exposeActors, exposedActor } from '../exposed-world.js';
import type { BackgroundWriterEvent, BackgroundWriterState } from './background-writer.machine.js';
import { backgroundWriterMachine } from './background-writer.machine.js';
import type { CallerCode, CallerEvent, CallerFailure, CallerState, RetrieveOrder, WakeMode } from './caller.machine.js';
import { callerMachine } from './caller.machine.js';
import { notifierMachine } from './notifier.machine.js';
import type { CallerError, CallerStatus, CallerView, OperationStatus, RestartView, WriterGapObservation } from './writer-gap.observation.js';
import { NOTIFIER, READER, RESTART, RESULT_NOT_FOUND, WRITER, workerName } from './writer-gap.observation.js';

export type WriterGapVariant = 'queued' | 'memory-cache' | 'db-first' | 'persisted';
/** write-fails: every background INSERT fails with SQLITE_FULL; persist-busy: every synchronous persist meets another process's write lock held past the busy timeout. */
export type WriterGapFault = 'none' | 'write-fails' | 'persist-busy';
/**
 * at-end: the process restarts after everybody finished (a clean stop); any-time: it may crash at any step;
 * after-threshold: after everybody finished, and the next engine start comes after the stale-claim threshold, so
 * its cleanup (02986bf, 2451df0: running rows older than the threshold become failed) runs first.
 */
export type WriterGapRestart = 'at-end' | 'any-time' | 'after-threshold';

export interface WriterGapParams {
  readonly variant: WriterGapVariant;
  /** Workers executing the operation (one claims it, the others wait); the late reader comes on top. */
  readonly workers: number;
  readonly fault: WriterGapFault;
  readonly restart: WriterGapRestart;
  readonly wake: WakeMode;
}

/** The notification thread's sleep between two polls (the seed's 100 ms), in virtual milliseconds. */
export const NOTIFIER_POLL_MS = 100;
/** The stale-claim threshold of an engine start's cleanup (the seed's one hour), and how much later the restart after it comes. */
export const STALE_MS = 3_600_000;
export const RESTART_AFTER_MS = STALE_MS + 1_000;

type CallerSnapshot = SnapshotFrom<typeof callerMachine>;
type WriterSnapshot = SnapshotFrom<typeof backgroundWriterMachine>;
type NotifierSnapshot = SnapshotFrom<typeof notifierMachine>;

/** The committed rows of the operation: execution_state.status (and when it was last written) and whether its results row exists. */
export interface OperationRows {
  readonly status: OperationStatus;
  readonly resultRow: boolean;
  /** Virtual time of the last write of the execution_state row (the claim, the completion). */
  readonly updatedAt: number;
}

/** persisted: the process's futures table (one operation): whether the claimant's future is in it, and whether it has its result. */
export interface FutureSlot {
  readonly inTable: boolean;
  readonly done: boolean;
}

export interface WriterGapWorld {
  readonly db: OperationRows;
  /** The memory cache holds a copy of the result. */
  readonly inMemory: boolean;
  /** Write requests in the queue (at most one: only the claimer stores). */
  readonly queued: number;
  /** Workers first, then the late reader. */
  readonly callers: readonly CallerSnapshot[];
  readonly writer: WriterSnapshot;
  /** The notification thread; null with `wake: 'poll'`. */
  readonly notifier: NotifierSnapshot | null;
  /** persisted: the claimant's future (the other variants never have one). */
  readonly future: FutureSlot;
  /** Virtual time in milliseconds; only the notifier's sleeps (and a restart after the threshold) move it. */
  readonly clock: number;
  readonly restart: RestartView | null;
}

/**
 * The words of every step, as both engines print them. The real engine declares the same strings
 * (impl/writer-gap/), it never imports these.
 */
export const STEP_TEXT = {
  claim: 'INSERT OR IGNORE execution_state',
  claimed: 'claimed',
  claimLost: 'already claimed',
  memoryPut: 'memory put',
  enqueue: 'enqueue write',
  queued: 'queued',
  markCompleted: 'UPDATE status = completed',
  ok: 'ok',
  selectStatus: 'SELECT status',
  memoryGet: 'memory get',
  selectResult: 'SELECT result',
  write: 'dequeue, INSERT result',
  wrote: '1 row',
  writeFailed: 'SQLITE_FULL',
  evict: 'memory evict',
  restart: 'restart, reopen, retrieve',
  register: 'register callback',
  wait: 'wait on event',
  set: 'set',
  poll: 'poll',
  getFuture: 'get future',
  setFuture: 'set future',
  awaitFuture: 'await future',
  resolveFuture: 'set future result',
  removeFuture: 'remove future',
  persist: 'INSERT result',
  persisted: 'inserted',
  persistBusy: 'SQLITE_BUSY',
  deleteClaim: 'DELETE execution_state',
} as const;

/** Virtual time as a step record shows it, in seconds: `t=0.1s` (the lifecycle scenario's wording). */
const timeText = (ms: number): string => `t=${ms / 1000}s`;
const pollOutcome = (status: OperationStatus, at: number, fired: number): string => `${status} at ${timeText(at)}: fired ${fired} callback${fired === 1 ? '' : 's'}`;

const statusOutcome = (status: OperationStatus): string => (status === 'completed' ? 'completed' : `${status}, waits`);
const readOutcome = (hit: boolean, store: 'memory' | 'db', last: boolean): string =>
  hit ? (store === 'memory' ? 'hit' : 'row') : `${store === 'memory' ? 'miss' : 'no row'}${last ? ', not found' : ''}`;

/** Which store a caller's read looks in, from its state and the retrieve order. */
function storeOf(state: 'readingFirst' | 'readingSecond', order: RetrieveOrder): 'memory' | 'db' {
  const first = order === 'memory-first' ? 'memory' : 'db';
  const second = order === 'memory-first' ? 'db' : 'memory';
  return state === 'readingFirst' ? first : second;
}

const FINAL_CALLER_STATES: readonly CallerState[] = ['executed', 'retrieved', 'notFound', 'failed'];
const callerState = (caller: CallerSnapshot): CallerState => caller.value as CallerState;
const callerFinished = (caller: CallerSnapshot): boolean => FINAL_CALLER_STATES.includes(callerState(caller));
const writerState = (writer: WriterSnapshot): BackgroundWriterState => writer.value as BackgroundWriterState;

export function createWriterGapModel(params: WriterGapParams): ScenarioModel<WriterGapWorld, WriterGapObservation> {
  const { variant, workers, fault, restart: restartMode, wake } = params;
  if (fault === 'persist-busy' && variant !== 'persisted') throw new Error(`--fault persist-busy strikes the synchronous persist, which only the variant persisted has (got ${variant})`);
  if (fault === 'write-fails' && variant === 'persisted') throw new Error('--fault write-fails strikes the background writer, which the variant persisted does not use for its result');
  if (variant === 'persisted' && wake !== 'notifier') throw new Error('the variant persisted waits on the notifier, as 2451df0 does: --wake poll does not apply');
  const code: CallerCode = variant === 'persisted' ? 'v2' : 'write-up';
  // 02986bf's store() only queues; the write-up's fix and 2451df0 keep a memory copy.
  const cacheBeforeQueue = variant !== 'queued';
  // 02986bf's retrieve reads SQLite first (queued, and the write-up's fix applied to it: db-first); 2451df0's memory first.
  const order: RetrieveOrder = variant === 'memory-cache' || variant === 'persisted' ? 'memory-first' : 'db-first';
  const workerNames = Array.from({ length: workers }, (_, i) => workerName(i));
  const hasNotifier = wake === 'notifier';
  // The notifier comes last, so that every other actor keeps its number with either way of waiting.
  const actors = hasNotifier ? [...workerNames, WRITER, READER, RESTART, NOTIFIER] : [...workerNames, WRITER, READER, RESTART];
  const writerIndex = workers;
  const readerIndex = workers + 1;
  const restartIndex = workers + 2;
  const notifierIndex = hasNotifier ? workers + 3 : -1;
  /** Position of an actor in `callers`, or null for the writer and the restart. */
  const callerIndex = (actor: number): number | null => (actor < workers ? actor : actor === readerIndex ? workers : null);

  const callers = Array.from({ length: workers + 1 }, (_, i) => initialTransition(callerMachine, { code, claims: i < workers, cacheBeforeQueue, order, wake })[0]);
  const [writer] = initialTransition(backgroundWriterMachine, { evictAfterWrite: cacheBeforeQueue });
  const notifier = hasNotifier ? initialTransition(notifierMachine, { pollMs: NOTIFIER_POLL_MS })[0] : null;
  const initial: WriterGapWorld = {
    db: { status: 'none', resultRow: false, updatedAt: 0 },
    inMemory: false,
    queued: 0,
    callers,
    writer,
    notifier,
    future: { inTable: false, done: false },
    clock: 0,
    restart: null,
  };

  const everyCallerFinished = (world: WriterGapWorld): boolean => world.callers.every(callerFinished);
  const writerIdle = (world: WriterGapWorld): boolean => writerState(world.writer) === 'dequeueing' && world.queued === 0;
  const parkedCallers = (world: WriterGapWorld): number => world.callers.filter((c) => callerState(c) === 'parked').length;
  /** A poll would fire callbacks: some are registered, and the status reads completed (2451df0's poll: or failed). */
  const notifierCanFire = (world: WriterGapWorld): boolean => parkedCallers(world) > 0 && (world.db.status === 'completed' || (code === 'v2' && world.db.status === 'failed'));

  function canStep(world: WriterGapWorld, actor: number): boolean {
    if (actor === restartIndex) return world.restart === null && (restartMode === 'any-time' || (everyCallerFinished(world) && writerIdle(world)));
    // After the restart the old process is gone: its threads never step again.
    if (world.restart !== null) return false;
    if (actor === writerIndex) return writerState(world.writer) === 'evicting' || world.queued > 0;
    if (actor === notifierIndex) return notifierCanFire(world);
    const caller = world.callers[callerIndex(actor)!]!;
    if (callerFinished(caller)) return false;
    // A parked caller waits for the notifier to fire its callback (that is the notifier's step, not its own).
    if (callerState(caller) === 'parked') return false;
    // A caller awaiting the claimant's future goes on once the future has its result.
    if (callerState(caller) === 'awaitingFuture') return world.future.done;
    // 2451df0's goal reads storage once the computation is over: once every worker has returned.
    if (callerState(caller) === 'goalMemory') return world.callers.slice(0, workers).every(callerFinished);
    // A polling caller's next poll is explored only once it sees the operation completed.
    return callerState(caller) !== 'waiting' || world.db.status === 'completed';
  }

  function finished(world: WriterGapWorld, actor: number): boolean {
    if (actor !== restartIndex && world.restart !== null) return true;
    if (actor === writerIndex) return writerIdle(world) && everyCallerFinished(world);
    if (actor === notifierIndex) return writerIdle(world) && everyCallerFinished(world);
    if (actor === restartIndex) return world.restart !== null;
    return callerFinished(world.callers[callerIndex(actor)!]!);
  }

  /** One step of a caller: the statement or memory access its state names, applied to the shared state. */
  function stepCaller(world: WriterGapWorld, index: number): { world: WriterGapWorld; action: string; outcome: string } {
    const caller = world.callers[index]!;
    const state = callerState(caller);
    let next = world;
    let event: CallerEvent;
    let action: string;
    let outcome: string;
    switch (state) {
      case 'claiming': {
        const wins = world.db.status === 'none';
        if (wins) next = { ...world, db: { ...world.db, status: 'running', updatedAt: world.clock } };
        event = { type: wins ? 'CLAIMED' : 'CLAIM_LOST' };
        action = STEP_TEXT.claim;
        outcome = wins ? STEP_TEXT.claimed : STEP_TEXT.claimLost;
        break;
      }
      case 'caching':
        next = { ...world, inMemory: true };
        event = { type: 'DONE' };
        action = STEP_TEXT.memoryPut;
        outcome = STEP_TEXT.ok;
        break;
      case 'enqueueing':
        next = { ...world, queued: world.queued + 1 };
        event = { type: 'DONE' };
        action = STEP_TEXT.enqueue;
        outcome = STEP_TEXT.queued;
        break;
      case 'markingCompleted':
        next = { ...world, db: { ...world.db, status: 'completed', updatedAt: world.clock } };
        event = { type: 'DONE' };
        action = STEP_TEXT.markCompleted;
        outcome = STEP_TEXT.ok;
        break;
      case 'registering':
        event = { type: 'DONE' };
        action = STEP_TEXT.register;
        outcome = STEP_TEXT.ok;
        break;
      case 'woken':
        event = { type: 'WOKEN' };
        action = STEP_TEXT.wait;
        outcome = STEP_TEXT.set;
        break;
      case 'checkingStatus':
      case 'waiting':
        event = { type: 'STATUS', completed: world.db.status === 'completed' };
        action = STEP_TEXT.selectStatus;
        outcome = statusOutcome(world.db.status);
        break;
      case 'readingFirst':
      case 'readingSecond': {
        const store = storeOf(state, caller.context.order);
        const hit = store === 'memory' ? world.inMemory : world.db.resultRow;
        event = { type: hit ? 'HIT' : 'MISS' };
        action = store === 'memory' ? STEP_TEXT.memoryGet : STEP_TEXT.selectResult;
        // 2451df0 does not give up after the second read: it deletes the row first.
        outcome = readOutcome(hit, store, state === 'readingSecond' && code !== 'v2');
        break;
      }
      case 'lookingUpMemory':
      case 'goalMemory':
      case 'resultMemory':
      case 'waitMemory':
      case 'persistableMemory':
      case 'storeMemory':
        event = { type: world.inMemory ? 'HIT' : 'MISS' };
        action = STEP_TEXT.memoryGet;
        outcome = readOutcome(world.inMemory, 'memory', false);
        break;
      case 'lookingUpDb':
      case 'goalDb':
      case 'resultDb':
      case 'waitDb':
      case 'storeDb':
      case 'checkingPersisted':
        event = { type: world.db.resultRow ? 'HIT' : 'MISS' };
        action = STEP_TEXT.selectResult;
        outcome = readOutcome(world.db.resultRow, 'db', false);
        break;
      case 'gettingFuture':
      case 'regettingFuture':
      case 'resultFuture':
        event = { type: 'FUTURE', found: world.future.inTable };
        action = STEP_TEXT.getFuture;
        outcome = world.future.inTable ? 'found' : 'none';
        break;
      case 'checkingRunning':
      case 'checkingFailed':
      case 'rechecking':
        event = { type: 'STATUS_READ', status: world.db.status };
        action = STEP_TEXT.selectStatus;
        outcome = world.db.status;
        break;
      case 'deletingStale':
        next = { ...world, db: { ...world.db, status: 'none' } };
        event = { type: 'DONE' };
        action = STEP_TEXT.deleteClaim;
        outcome = `deleted ${world.db.status === 'none' ? 0 : 1}`;
        break;
      case 'awaitingFuture':
        event = { type: 'DONE' };
        action = STEP_TEXT.awaitFuture;
        outcome = 'result';
        break;
      case 'settingFuture':
        next = { ...world, future: { ...world.future, inTable: true } };
        event = { type: 'DONE' };
        action = STEP_TEXT.setFuture;
        outcome = STEP_TEXT.ok;
        break;
      case 'cachingPersisted':
        next = { ...world, inMemory: true };
        event = { type: 'DONE' };
        action = STEP_TEXT.memoryPut;
        outcome = STEP_TEXT.ok;
        break;
      case 'persisting': {
        // persist-busy: another process holds the write lock past the busy timeout; the error is logged and the
        // memory copy stays (2451df0's `except sqlite3.Error`).
        const busy = fault === 'persist-busy';
        if (!busy) next = { ...world, db: { ...world.db, resultRow: true } };
        event = { type: 'DONE' };
        action = STEP_TEXT.persist;
        outcome = busy ? STEP_TEXT.persistBusy : world.db.resultRow ? 'ignored' : STEP_TEXT.persisted;
        break;
      }
      case 'resolvingFuture':
        next = { ...world, future: { ...world.future, done: true } };
        event = { type: 'DONE' };
        action = STEP_TEXT.resolveFuture;
        outcome = STEP_TEXT.ok;
        break;
      case 'removingFuture':
        next = { ...world, future: { ...world.future, inTable: false } };
        event = { type: 'DONE' };
        action = STEP_TEXT.removeFuture;
        outcome = STEP_TEXT.ok;
        break;
      case 'starting':
      case 'parked':
      case 'executed':
      case 'retrieved':
      case 'notFound':
      case 'failed':
        throw new RangeError(`a caller in state ${state} cannot step`);
    }
    const [after] = transition(callerMachine, caller, event);
    const nextCallers = next.callers.slice();
    nextCallers[index] = after;
    return { world: { ...next, callers: nextCallers }, action, outcome };
  }

  function stepWriter(world: WriterGapWorld): { world: WriterGapWorld; action: string; outcome: string } {
    let next: WriterGapWorld;
    let event: BackgroundWriterEvent;
    let action: string;
    let outcome: string;
    switch (writerState(world.writer)) {
      case 'dequeueing': {
        const fails = fault === 'write-fails';
        next = { ...world, queued: world.queued - 1, db: fails ? world.db : { ...world.db, resultRow: true } };
        event = { type: fails ? 'WRITE_FAILED' : 'WROTE' };
        action = STEP_TEXT.write;
        outcome = fails ? STEP_TEXT.writeFailed : STEP_TEXT.wrote;
        break;
      }
      case 'evicting':
        next = { ...world, inMemory: false };
        event = { type: 'EVICTED' };
        action = STEP_TEXT.evict;
        outcome = STEP_TEXT.ok;
        break;
    }
    const [after] = transition(backgroundWriterMachine, world.writer, event);
    return { world: { ...next, writer: after }, action, outcome };
  }

  /**
   * One poll of the notification thread: it sleeps until its wake-up time (the clock moves there), reads the
   * status, sees completed and fires every registered callback (each parked caller is woken).
   */
  function stepNotifier(world: WriterGapWorld): { world: WriterGapWorld; action: string; outcome: string } {
    const current = world.notifier!;
    const at = Math.max(world.clock, current.context.nextPoll);
    let fired = 0;
    const woken = world.callers.map((c) => {
      if (callerState(c) !== 'parked') return c;
      fired++;
      return transition(callerMachine, c, { type: 'FIRED' })[0];
    });
    const [after] = transition(notifierMachine, current, { type: 'FIRED', at });
    return { world: { ...world, callers: woken, notifier: after, clock: at }, action: STEP_TEXT.poll, outcome: pollOutcome(world.db.status, at, fired) };
  }

  function step(world: WriterGapWorld, actor: number): { world: WriterGapWorld; record: StepRecord } {
    if (!canStep(world, actor)) throw new RangeError(`${actors[actor] ?? `actor ${actor}`} cannot step now`);
    let result: { world: WriterGapWorld; action: string; outcome: string };
    if (actor === writerIndex) result = stepWriter(world);
    else if (actor === notifierIndex) result = stepNotifier(world);
    else if (actor === restartIndex) {
      // The process restarts: memory is gone, the database is what was committed; retrieve finds the row or not.
      // After the threshold, the engine start's cleanup first turns a running row (always older than the
      // threshold by then) failed.
      const afterRun = everyCallerFinished(world) && writerIdle(world);
      const late = restartMode === 'after-threshold';
      const clock = late ? world.clock + RESTART_AFTER_MS : world.clock;
      const cleaned = late && world.db.status === 'running' && world.db.updatedAt < clock - STALE_MS;
      const db: OperationRows = cleaned ? { ...world.db, status: 'failed', updatedAt: clock } : world.db;
      const restart: RestartView = { status: db.status, resultRow: db.resultRow, afterRun };
      const found = `${restart.status}, ${restart.resultRow ? 'row' : 'no row'}`;
      result = {
        world: { ...world, db, clock, restart },
        action: STEP_TEXT.restart,
        outcome: late ? `at ${timeText(clock)}: ${cleaned ? 1 : 0} stale claim failed; ${found}` : found,
      };
    } else result = stepCaller(world, callerIndex(actor)!);
    return { world: result.world, record: { actor: actors[actor]!, action: result.action, outcome: result.outcome } };
  }

  function callerStatus(caller: CallerSnapshot): CallerStatus {
    switch (callerState(caller)) {
      case 'executed':
      case 'retrieved':
        return 'done';
      case 'notFound':
      case 'failed':
        return 'failed';
      case 'waiting':
      case 'parked':
      case 'woken':
      case 'awaitingFuture':
        return 'waiting';
      case 'starting':
      case 'registering':
      case 'claiming':
      case 'caching':
      case 'enqueueing':
      case 'markingCompleted':
      case 'checkingStatus':
      case 'readingFirst':
      case 'readingSecond':
      case 'lookingUpMemory':
      case 'lookingUpDb':
      case 'goalMemory':
      case 'goalDb':
      case 'gettingFuture':
      case 'regettingFuture':
      case 'resultFuture':
      case 'resultMemory':
      case 'resultDb':
      case 'waitMemory':
      case 'waitDb':
      case 'persistableMemory':
      case 'checkingRunning':
      case 'checkingFailed':
      case 'rechecking':
      case 'deletingStale':
      case 'settingFuture':
      case 'storeMemory':
      case 'storeDb':
      case 'cachingPersisted':
      case 'persisting':
      case 'checkingPersisted':
      case 'resolvingFuture':
      case 'removingFuture':
        return 'running';
    }
  }

  const errorOf = (failure: CallerFailure | null): CallerError | null => (failure === null ? null : failure === 'not-found' ? RESULT_NOT_FOUND : failure);

  function observe(world: WriterGapWorld): WriterGapObservation {
    const views: CallerView[] = world.callers.map((caller, i) => ({
      name: i < workers ? workerNames[i]! : READER,
      status: callerStatus(caller),
      executed: caller.context.executed,
      error: errorOf(caller.context.failure),
    }));
    return { callers: views, status: world.db.status, resultRow: world.db.resultRow, inMemory: world.inMemory, queued: world.queued, restart: world.restart };
  }

  /**
   * Symmetric key: the workers run the same program on the same operation and nothing they write names them
   * (the claimer's name is not read back by anyone), so they are interchangeable; the key sorts their local
   * states. The reader, the writer, the notifier and the restart are distinct actors. The clock is part of the
   * key (the notifier's outcomes print it); its next poll is always a poll interval after the clock.
   */
  function key(world: WriterGapWorld): WorldKey {
    const workerLocals = world.callers
      .slice(0, workers)
      .map((c) => `${callerState(c)}${c.context.executed ? '+x' : ''}${c.context.failure === null ? '' : `!${c.context.failure}`}`)
      .sort()
      .join(',');
    const readerCaller = world.callers[workers]!;
    const reader = `${callerState(readerCaller)}${readerCaller.context.failure === null ? '' : `!${readerCaller.context.failure}`}`;
    const restart = world.restart === null ? '-' : `${world.restart.status}:${world.restart.resultRow ? 1 : 0}:${world.restart.afterRun ? 1 : 0}`;
    const future = `${world.future.inTable ? 1 : 0}${world.future.done ? 1 : 0}`;
    // db.updatedAt is left out: a restart after the threshold finds any running row stale, whenever it was written.
    return `${workerLocals}|${reader}|${writerState(world.writer)}|${world.db.status}:${world.db.resultRow ? 1 : 0}|${world.inMemory ? 1 : 0}|${world.queued}|${future}|${restart}|${world.clock}` as WorldKey;
  }

  /**
   * The dangerous windows: the operation is completed while its row is not written yet; a caller is in the
   * middle of retrieve() while the result is still in the write queue; a caller's second read comes after the
   * writer evicted the memory copy; the notifier has woken a caller (its wait has not returned yet) while the
   * result is still only in the queue or in memory (no row).
   */
  function notable(world: WriterGapWorld): string[] {
    const tags: string[] = [];
    if (world.db.status === 'completed' && !world.db.resultRow) tags.push('completed-before-written');
    const retrieving = world.callers.filter((c) => {
      const s = callerState(c);
      return s === 'readingFirst' || s === 'readingSecond';
    });
    if (world.queued > 0 && retrieving.length > 0) tags.push('retrieve-while-queued');
    if (cacheBeforeQueue && world.db.resultRow && !world.inMemory && retrieving.some((c) => callerState(c) === 'readingSecond')) {
      tags.push('retrieve-across-eviction');
    }
    if (!world.db.resultRow && world.callers.some((c) => callerState(c) === 'woken')) tags.push('woken-before-written');
    return tags;
  }

  /** Each caller's, the writer's, the notifier's and the restart's state; the rows, the memory copy, the queue. */
  function expose(world: WriterGapWorld): ExposedWorld {
    const observation = observe(world);
    const describeActor = (actor: number): string => describeOf(world, actor);
    return {
      actors: exposeActors(actors, (actor) => {
        const caller = callerIndex(actor);
        if (caller !== null) {
          const view = observation.callers[caller]!;
          return exposedActor(describeActor(actor), actorStatusOf(view.status), view.error ?? (view.executed ? 'executed the operation' : null));
        }
        const done = finished(world, actor);
        return exposedActor(describeActor(actor), done ? 'done' : canStep(world, actor) ? 'running' : 'waiting');
      }),
      shared: {
        status: observation.status,
        resultRow: observation.resultRow,
        inMemory: observation.inMemory,
        queued: observation.queued,
        restart: observation.restart === null ? null : { status: observation.restart.status, resultRow: observation.restart.resultRow, afterRun: observation.restart.afterRun },
        ...(code === 'v2' ? { future: world.future.inTable ? (world.future.done ? 'in the table, set' : 'in the table') : world.future.done ? 'removed, set' : 'none' } : {}),
      },
      clock: world.clock,
    };
  }

  function describeOf(world: WriterGapWorld, actor: number): string {
    if (actor === writerIndex) return `${writerState(world.writer)}/${world.queued} queued`;
    if (actor === notifierIndex) return `${parkedCallers(world)} callbacks, next poll ${timeText(world.notifier!.context.nextPoll)}`;
    if (actor === restartIndex) return world.restart === null ? 'pending' : 'restarted';
    return callerState(world.callers[callerIndex(actor)!]!);
  }

  return {
    actors,
    initial,
    sharedName: 'storage backend',
    expose,
    enabled: (world) => actors.map((_, a) => a).filter((a) => canStep(world, a)),
    step,
    key,
    observe,
    finished,
    describe: describeOf,
    notable,
  };
}
