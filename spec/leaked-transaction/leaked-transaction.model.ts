/**
 * The leaked-transaction scenario (seed 004, luca-nrw-scraper @ fe4afe5) as a state space: two threads, each
 * with its own connection kept for its whole life, running their programs of calls (thread-program.ts) as
 * legacy-thread.machine.ts runs them, against the SQLite model in WAL mode, with a virtual clock.
 *
 * Time, as in the retry model: statements take no time; sleeping (the decorator's backoff, a thread's work,
 * the holder's work inside its transaction) and waiting do. A statement SQLite would wait on (busy handler
 * invoked) waits until it can succeed, or until its deadline (clock + busy timeout) when nobody else can move,
 * and then fails with SQLITE_BUSY. A sleeper wakes when nobody else can move and its time is the earliest.
 * That is the timing assumption of the scenario: statements are fast next to the sleeps.
 */
import { initialTransition, transition } from 'xstate';
import type { SnapshotFrom } from 'xstate';
import { decideBusyWait, isBusy, refusalText, sqliteKeyPart } from '../sqlite/virtual-busy-timeout.js';
import type { ActorStatus, ExposedWorld, ScenarioModel, StepRecord, WorldKey } from '../scenario-model.js';
import type { StepOutcome } from '../sqlite/lock-script.js';
import type { SqliteCommand, SqliteWorld } from '../sqlite/sqlite-world.js';
import { connectionState, inTransaction, initialSqliteWorld, lockLabel, stepSqliteWorld } from '../sqlite/sqlite-world.js';
import type { ConnectionPolicy, LegacyThreadEvent, LegacyThreadState } from './legacy-thread.machine.js';
import { currentCall, isLockError, legacyThreadMachine } from './legacy-thread.machine.js';
import type { LeakedObservation, LeakedThreadStatus } from './leaked-transaction.observation.js';
import { threadName } from './leaked-transaction.observation.js';
import type { ProgramParams } from './thread-program.js';
import { programs } from './thread-program.js';

export interface LeakedTransactionParams extends ProgramParams {
  readonly policy: ConnectionPolicy;
  /** with_db_retry's max_retries (5 upstream). */
  readonly maxAttempts: number;
  /** with_db_retry's first delay in ms (100 upstream), doubling. */
  readonly baseDelayMs: number;
  /** The busy timeout in virtual ms (30 000 upstream: DB_TIMEOUT). */
  readonly busyTimeoutMs: number;
}

/** The rows the calls touch, as the SQLite model names them. */
export const ROWS = { dork: 'dork', pattern: 'pattern', confidence: 'confidence', batch: 'batch' } as const;

type ThreadSnapshot = SnapshotFrom<typeof legacyThreadMachine>;

export interface LeakedTransactionWorld {
  readonly sqlite: SqliteWorld;
  readonly threads: readonly ThreadSnapshot[];
  /** Per thread: when its waiting statement gives up, or when its sleep ends; null otherwise. */
  readonly timers: readonly (number | null)[];
  readonly clock: number;
  /** Per thread: the commit version it read at, the first time it read after one of its calls had failed. */
  readonly readAfterFailure: readonly (number | null)[];
}

/** A thread's next step: a statement, the injected fault, a sleep, or null when its program has ended. */
export type LeakedStep =
  | { readonly kind: 'sql'; readonly command: SqliteCommand; readonly action: string }
  | { readonly kind: 'fault'; readonly action: string }
  | { readonly kind: 'sleep'; readonly ms: number; readonly action: string };

export function nextStep(thread: ThreadSnapshot): LeakedStep | null {
  const { context } = thread;
  const state = thread.value as LegacyThreadState;
  const call = currentCall(context);
  const sql = (command: SqliteCommand, action: string): LeakedStep => ({ kind: 'sql', command, action });
  switch (state) {
    case 'beginning':
      return sql({ type: 'BEGIN', mode: context.policy.begin }, context.policy.begin === 'immediate' ? 'BEGIN IMMEDIATE (implicit)' : 'BEGIN (implicit)');
    case 'upserting':
      return call?.kind === 'update-pattern'
        ? sql({ type: 'WRITE', key: ROWS.pattern, effect: { kind: 'increment' } }, 'UPSERT pattern')
        : sql({ type: 'WRITE', key: ROWS.dork, effect: { kind: 'increment' } }, 'UPSERT dork');
    case 'updating':
      return call?.kind === 'update-pattern' && call.failsAfterUpsert
        ? { kind: 'fault', action: 'UPDATE confidence' }
        : sql({ type: 'WRITE', key: ROWS.confidence, effect: { kind: 'increment' } }, 'UPDATE confidence');
    case 'committing':
    case 'batchCommitting':
      return sql({ type: 'COMMIT' }, 'COMMIT');
    case 'selecting':
      return sql({ type: 'READ', key: ROWS.dork }, 'SELECT dork');
    case 'rollingBackOnError':
    case 'rollingBackOnExit':
    case 'batchRollingBack':
      return sql({ type: 'ROLLBACK' }, 'ROLLBACK');
    case 'backingOff':
      return { kind: 'sleep', ms: context.delayMs, action: `sleep ${context.delayMs} ms` };
    case 'working':
    case 'batchWorking': {
      const ms = call?.kind === 'work' || call?.kind === 'long-transaction' ? call.ms : 0;
      return { kind: 'sleep', ms, action: `work ${ms} ms` };
    }
    case 'batchBeginning':
      return sql({ type: 'BEGIN', mode: 'immediate' }, 'BEGIN IMMEDIATE');
    case 'batchWriting':
      return sql({ type: 'WRITE', key: ROWS.batch, effect: { kind: 'increment' } }, 'UPDATE batch');
    case 'done':
      return null;
  }
}

/** The words of a statement's outcome: a read shows the value it saw; a refusal says whether it waited. */
function outcomeText(command: SqliteCommand, outcome: StepOutcome, waited: ReturnType<typeof decideBusyWait>['waited']): string {
  if (outcome.status === 'ok') return command.type === 'READ' ? `times_used = ${outcome.value ?? 0}` : 'ok';
  return refusalText(outcome, waited);
}

function eventOf(outcome: StepOutcome): LegacyThreadEvent {
  return outcome.status === 'ok'
    ? { type: 'SQL_OK', inTransaction: outcome.inTransaction }
    : { type: 'SQL_FAILED', code: outcome.code ?? outcome.status, inTransaction: outcome.inTransaction };
}

export const INJECTED_FAULT = 'error (injected)';

export function createLeakedTransactionModel(params: LeakedTransactionParams): ScenarioModel<LeakedTransactionWorld, LeakedObservation> {
  const { policy, maxAttempts, baseDelayMs, busyTimeoutMs } = params;
  for (const [name, value] of Object.entries({ maxAttempts, holdMs: params.holdMs, workMs: params.workMs, laterRecords: params.laterRecords, busyTimeoutMs, baseDelayMs })) {
    if (!Number.isInteger(value) || value < 0) throw new RangeError(`${name} must be a whole number >= 0, got ${String(value)}`);
  }
  if (maxAttempts < 1) throw new RangeError(`maxAttempts must be at least 1, got ${maxAttempts}`);
  const threadPrograms = programs(params);
  const actors = threadPrograms.map((_, i) => threadName(i));
  const threads = threadPrograms.map((program) => initialTransition(legacyThreadMachine, { program, policy, maxAttempts, baseDelayMs })[0]);
  const initial: LeakedTransactionWorld = {
    sqlite: initialSqliteWorld('wal', actors.length, Object.values(ROWS)),
    threads,
    timers: threads.map((t) => {
      const first = nextStep(t);
      return first?.kind === 'sleep' ? first.ms : null;
    }),
    clock: 0,
    readAfterFailure: actors.map(() => null),
  };

  const stateOf = (world: LeakedTransactionWorld, actor: number): LegacyThreadState => world.threads[actor]!.value as LegacyThreadState;
  const actorName = (actor: number): string => actors[actor] ?? `actor-${actor}`;

  function canProceed(world: LeakedTransactionWorld, actor: number): boolean {
    const next = nextStep(world.threads[actor]!);
    return next !== null && next.kind === 'sql' && !isBusy(stepSqliteWorld(world.sqlite, actor, next.command).outcome);
  }

  function enabled(world: LeakedTransactionWorld): number[] {
    const ready: number[] = [];
    const timed: number[] = [];
    world.threads.forEach((thread, actor) => {
      const next = nextStep(thread);
      if (next === null) return;
      const timer = world.timers[actor] ?? null;
      const due = timer !== null && timer <= world.clock;
      if (next.kind === 'sleep') (due ? ready : timed).push(actor);
      else if (timer === null || due || canProceed(world, actor)) ready.push(actor);
      else timed.push(actor);
    });
    if (ready.length > 0 || timed.length === 0) return ready;
    // Nobody can move: time passes to the earliest deadline or wake-up.
    const earliest = Math.min(...timed.map((a) => world.timers[a]!));
    return timed.filter((a) => world.timers[a] === earliest);
  }

  function step(world: LeakedTransactionWorld, actor: number): { world: LeakedTransactionWorld; record: StepRecord } {
    const thread = world.threads[actor];
    const next = thread === undefined ? null : nextStep(thread);
    if (thread === undefined || next === null) throw new RangeError(`${actorName(actor)} cannot step: it has finished`);
    const threadsNext = world.threads.slice();
    const timers = world.timers.slice();
    let { sqlite, clock } = world;
    let outcome: string;
    let delivered: ThreadSnapshot;
    let waitingUntil: number | null = null;
    let readAfterFailure = world.readAfterFailure;
    switch (next.kind) {
      case 'sleep':
        clock = Math.max(clock, world.timers[actor] ?? clock);
        [delivered] = transition(legacyThreadMachine, thread, { type: 'WOKE' });
        outcome = 'ok';
        break;
      case 'fault':
        [delivered] = transition(legacyThreadMachine, thread, { type: 'FAULT' });
        outcome = INJECTED_FAULT;
        break;
      case 'sql': {
        const result = stepSqliteWorld(world.sqlite, actor, next.command);
        const decision = decideBusyWait(result.outcome, world.timers[actor] ?? null, world.clock, busyTimeoutMs);
        sqlite = result.world;
        clock = decision.clock;
        waitingUntil = decision.deliver ? null : decision.deadline;
        delivered = decision.deliver ? transition(legacyThreadMachine, thread, eventOf(result.outcome))[0] : thread;
        outcome = outcomeText(next.command, result.outcome, decision.waited);
        const failedBefore = thread.context.calls.some((c) => c.result === 'failed');
        if (next.command.type === 'READ' && result.outcome.status === 'ok' && failedBefore && world.readAfterFailure[actor] === null) {
          readAfterFailure = world.readAfterFailure.slice();
          (readAfterFailure as (number | null)[])[actor] = world.sqlite.version;
        }
        break;
      }
    }
    threadsNext[actor] = delivered;
    const after = nextStep(delivered);
    timers[actor] = waitingUntil ?? (after?.kind === 'sleep' ? clock + after.ms : null);
    return {
      world: { sqlite, threads: threadsNext, timers, clock, readAfterFailure },
      record: { actor: actorName(actor), action: next.action, outcome },
    };
  }

  function statusOf(world: LeakedTransactionWorld, actor: number): LeakedThreadStatus {
    const next = nextStep(world.threads[actor]!);
    if (next === null) return 'done';
    if (next.kind === 'sleep') return 'sleeping';
    return world.timers[actor] === null ? 'running' : 'waiting';
  }

  function observe(world: LeakedTransactionWorld): LeakedObservation {
    const { committed } = world.sqlite;
    return {
      threads: world.threads.map((thread, actor) => ({
        name: actorName(actor),
        status: statusOf(world, actor),
        inCall: thread.context.stepsInCall > 0,
        inTransaction: inTransaction(world.sqlite, actor),
        holdsWriteLock: connectionState(world.sqlite, actor) === 'writing',
        calls: thread.context.calls,
      })),
      committed: { timesUsed: committed[ROWS.dork] ?? 0, successCount: committed[ROWS.pattern] ?? 0, batchRuns: committed[ROWS.batch] ?? 0 },
    };
  }

  /** The clock itself is left out (timers are kept relative to it): equal keys have the same futures. */
  function key(world: LeakedTransactionWorld): WorldKey {
    return JSON.stringify([
      world.threads.map((t) => {
        const c = t.context;
        return [t.value, c.pc, c.attempt, c.delayMs, c.error, c.stepsInCall, c.inTransaction, c.calls.map((r) => `${r.call}:${r.result}:${r.error ?? ''}`)];
      }),
      world.timers.map((t) => (t === null ? null : t - world.clock)),
      world.readAfterFailure.map((v) => (v === null ? null : v === world.sqlite.version)),
      sqliteKeyPart(world.sqlite),
    ]) as WorldKey;
  }

  /**
   * The dangerous windows: a thread waits for the write lock another holds; a call failed on a lock; the thread
   * then read (in legacy mode, inside the transaction the failed call left open); and another connection
   * committed after that read (from then on, a transaction still open there is stale).
   */
  function notable(world: LeakedTransactionWorld): string[] {
    const tags: string[] = [];
    const waiting = world.threads.some((t, a) => nextStep(t)?.kind === 'sql' && world.timers[a] !== null);
    if (waiting) tags.push('write-lock-contention');
    if (world.threads.some((t) => t.context.calls.some((c) => c.result === 'failed' && isLockError(c.error)))) tags.push('a-call-failed-on-a-lock');
    if (world.readAfterFailure.some((v) => v !== null)) tags.push('read-after-a-failed-call');
    if (world.readAfterFailure.some((v) => v !== null && world.sqlite.version > v)) tags.push('commit-after-that-read');
    return tags;
  }

  /** The world as a format-2 trace shows it: each thread's state, each connection's lock, the committed rows, the clock. */
  function expose(world: LeakedTransactionWorld): ExposedWorld {
    const observation = observe(world);
    const statusWord: Record<LeakedThreadStatus, ActorStatus> = { running: 'running', waiting: 'waiting', sleeping: 'waiting', done: 'done' };
    return {
      actors: Object.fromEntries(
        observation.threads.map((t, actor) => {
          const call = currentCall(world.threads[actor]!.context);
          return [t.name, { state: stateOf(world, actor), status: statusWord[t.status], ...(call === undefined ? {} : { detail: `call ${call.kind}` }) }];
        }),
      ),
      connections: Object.fromEntries(actors.map((name, actor) => [name, { lock: lockLabel(world.sqlite, actor), inTransaction: inTransaction(world.sqlite, actor) }])),
      shared: { ...observation.committed },
      clock: world.clock,
    };
  }

  return {
    actors,
    initial,
    enabled,
    step,
    key,
    observe,
    expose,
    finished: (world, actor) => nextStep(world.threads[actor]!) === null,
    describe: (world, actor) => `${stateOf(world, actor)}/${connectionState(world.sqlite, actor)}`,
    sharedName: 'SQLite',
    lockHeld: (world, actor) => lockLabel(world.sqlite, actor),
    notable,
  };
}
