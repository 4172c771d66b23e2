/**
 * The pool scenario (seeds 003 and 004) as a state space: N workers, each incrementing one counter once in a
 * transaction (pool-worker.machine.ts), over connections handed out in one of three ways:
 * - `thread-local`: worker i owns connection i for its whole life (one connection per thread);
 * - `shared`: every worker uses connection 0 (one connection shared by several threads);
 * - `pool`: a pool of `poolSize` connections; a worker acquires the lowest-numbered idle one (a step), waits
 *   while none is idle, and returns it when its unit of work ends.
 * Statements go to the SQLite model (sqlite-world.ts) on the worker's connection. Waiting is as in the tickets
 * model: a statement SQLite would wait on waits until it can succeed or, when nobody else can move, until its
 * deadline (clock + busy timeout); an acquirer that found no idle connection steps again only when one is.
 */
import { initialTransition, transition } from 'xstate';
import type { SnapshotFrom } from 'xstate';
import { decideBusyWait, isBusy, sqliteKeyPart } from '../sqlite/virtual-busy-timeout.js';
import type { ExposedWorld, ScenarioModel, StepRecord, WorldKey } from '../scenario-model.js';
import { actorStatusOf, exposeActors, exposedActor } from '../exposed-world.js';
import type { Journal, StepOutcome } from '../sqlite/lock-script.js';
import type { SqliteCommand, SqliteWorld } from '../sqlite/sqlite-world.js';
import { connectionState, exposeConnections, initialSqliteWorld, lockLabel, stepSqliteWorld } from '../sqlite/sqlite-world.js';
import { retryActionText, retryOutcomeText, type WaitNote } from '../retry/retry.model.js';
import type { PoolBeginMode, PoolWorkerEvent, PoolWorkerState } from './pool-worker.machine.js';
import { poolWorkerMachine } from './pool-worker.machine.js';
import type { PoolObservation, PoolWorkerStatus } from './pool.observation.js';
import { connectionName, workerName } from './pool.observation.js';

export type ConnectionScheme = 'thread-local' | 'shared' | 'pool';

export interface PoolParams {
  readonly workers: number;
  readonly journal: Journal;
  readonly mode: PoolBeginMode;
  readonly scheme: ConnectionScheme;
  /** The pool's maximum size (scheme `pool` only). */
  readonly poolSize: number;
  readonly busyTimeoutMs: number;
}

type WorkerSnapshot = SnapshotFrom<typeof poolWorkerMachine>;

export interface PoolWorld {
  readonly sqlite: SqliteWorld;
  readonly workers: readonly WorkerSnapshot[];
  /** Per worker: the deadline of its waiting statement, or null. */
  readonly deadlines: readonly (number | null)[];
  /** Per worker: it asked the pool and found no idle connection. */
  readonly acquireWaiting: readonly boolean[];
  readonly clock: number;
}

const COUNTER = 'counter';

export type PoolStep = { readonly kind: 'acquire' } | { readonly kind: 'sql'; readonly conn: number; readonly command: SqliteCommand };

export function nextPoolStep(worker: WorkerSnapshot): PoolStep | null {
  const { context } = worker;
  const conn = context.conn ?? -1;
  switch (worker.value as PoolWorkerState) {
    case 'acquiring':
      return { kind: 'acquire' };
    case 'beginning':
      return { kind: 'sql', conn, command: { type: 'BEGIN', mode: context.mode } };
    case 'reading':
      return { kind: 'sql', conn, command: { type: 'READ', key: COUNTER } };
    case 'writing':
      return { kind: 'sql', conn, command: { type: 'WRITE', key: COUNTER, effect: { kind: 'set', value: (context.value ?? 0) + 1 } } };
    case 'committing':
      return { kind: 'sql', conn, command: { type: 'COMMIT' } };
    case 'rollingBack':
      return { kind: 'sql', conn, command: { type: 'ROLLBACK' } };
    case 'done':
    case 'failed':
      return null;
  }
}


function eventOf(outcome: StepOutcome): PoolWorkerEvent {
  if (outcome.status !== 'ok') return { type: 'SQL_FAILED', code: outcome.code ?? outcome.status, inTransaction: outcome.inTransaction };
  return outcome.value === undefined ? { type: 'SQL_OK' } : { type: 'SQL_OK', value: outcome.value };
}

export function connectionCount(params: Pick<PoolParams, 'workers' | 'scheme' | 'poolSize'>): number {
  switch (params.scheme) {
    case 'thread-local':
      return params.workers;
    case 'shared':
      return 1;
    case 'pool':
      return params.poolSize;
  }
}

export function createPoolModel(params: PoolParams): ScenarioModel<PoolWorld, PoolObservation> {
  const { workers: count, journal, mode, scheme, busyTimeoutMs } = params;
  const connections = connectionCount(params);
  const actors = Array.from({ length: count }, (_, i) => workerName(i));
  const workers = actors.map((_, i) => {
    const conn = scheme === 'thread-local' ? i : scheme === 'shared' ? 0 : null;
    const [snapshot] = initialTransition(poolWorkerMachine, { mode, conn });
    return snapshot;
  });
  const initial: PoolWorld = {
    sqlite: initialSqliteWorld(journal, connections, [COUNTER]),
    workers,
    deadlines: actors.map(() => null),
    acquireWaiting: actors.map(() => false),
    clock: 0,
  };

  const stateOf = (world: PoolWorld, actor: number): PoolWorkerState => world.workers[actor]!.value as PoolWorkerState;

  /** A worker holds its pooled connection from acquiring it until its unit of work ends. */
  function checkedOut(world: PoolWorld): Set<number> {
    const held = new Set<number>();
    world.workers.forEach((w, i) => {
      const state = stateOf(world, i);
      if (w.context.conn !== null && state !== 'acquiring' && state !== 'done' && state !== 'failed') held.add(w.context.conn);
    });
    return held;
  }

  function idleConnection(world: PoolWorld): number | null {
    const held = checkedOut(world);
    for (let c = 0; c < connections; c++) if (!held.has(c)) return c;
    return null;
  }

  function canProceed(world: PoolWorld, actor: number): boolean {
    const next = nextPoolStep(world.workers[actor]!);
    if (next === null) return false;
    if (next.kind === 'acquire') return idleConnection(world) !== null;
    return !isBusy(stepSqliteWorld(world.sqlite, next.conn, next.command).outcome);
  }

  function enabled(world: PoolWorld): number[] {
    const ready: number[] = [];
    const timed: number[] = [];
    world.workers.forEach((worker, actor) => {
      if (nextPoolStep(worker) === null) return;
      const waiting = world.deadlines[actor] !== null || world.acquireWaiting[actor] === true;
      if (!waiting || canProceed(world, actor)) ready.push(actor);
      else if (world.deadlines[actor] !== null) timed.push(actor);
    });
    if (ready.length > 0 || timed.length === 0) return ready;
    const earliest = Math.min(...timed.map((a) => world.deadlines[a]!));
    return timed.filter((a) => world.deadlines[a] === earliest);
  }

  function step(world: PoolWorld, actor: number): { world: PoolWorld; record: StepRecord } {
    const worker = world.workers[actor];
    const next = worker === undefined ? null : nextPoolStep(worker);
    if (worker === undefined || next === null) throw new RangeError(`${actorName(actor)} cannot step: it has finished`);
    const workersNext = world.workers.slice();
    const deadlines = world.deadlines.slice();
    const acquireWaiting = world.acquireWaiting.slice();
    if (next.kind === 'acquire') {
      const idle = idleConnection(world);
      if (idle === null) {
        acquireWaiting[actor] = true;
        return { world: { ...world, acquireWaiting }, record: { actor: actorName(actor), action: 'acquire', outcome: 'none idle, waits' } };
      }
      acquireWaiting[actor] = false;
      [workersNext[actor]] = transition(poolWorkerMachine, worker, { type: 'GOT_CONNECTION', conn: idle });
      return { world: { ...world, workers: workersNext, acquireWaiting }, record: { actor: actorName(actor), action: 'acquire', outcome: connectionName(idle) } };
    }
    const deadline = world.deadlines[actor] ?? null;
    const result = stepSqliteWorld(world.sqlite, next.conn, next.command);
    const decision = decideBusyWait(result.outcome, deadline, world.clock, busyTimeoutMs);
    const { clock, waited } = decision;
    deadlines[actor] = decision.deadline;
    const [nextWorker] = decision.deliver ? transition(poolWorkerMachine, worker, eventOf(result.outcome)) : [worker];
    workersNext[actor] = nextWorker;
    const prefix = scheme === 'thread-local' ? '' : `${connectionName(next.conn)}: `;
    return {
      world: { sqlite: result.world, workers: workersNext, deadlines, acquireWaiting, clock },
      record: { actor: actorName(actor), action: `${prefix}${retryActionText({ kind: 'sql', command: next.command })}`, outcome: retryOutcomeText(result.outcome, waited) },
    };
  }

  function actorName(actor: number): string {
    return actors[actor] ?? `actor-${actor}`;
  }

  function statusOf(world: PoolWorld, actor: number): PoolWorkerStatus {
    const state = stateOf(world, actor);
    if (state === 'done') return 'done';
    if (state === 'failed') return 'failed';
    return world.deadlines[actor] !== null || world.acquireWaiting[actor] === true ? 'waiting' : 'running';
  }

  /** Using a connection: its BEGIN has been issued (it may be waiting on it) and the unit has not ended. */
  function isUsing(world: PoolWorld, actor: number): boolean {
    const state = stateOf(world, actor);
    if (state === 'beginning') return world.deadlines[actor] !== null;
    return state === 'reading' || state === 'writing' || state === 'committing' || state === 'rollingBack';
  }

  function observe(world: PoolWorld): PoolObservation {
    const users: number[][] = Array.from({ length: connections }, () => []);
    world.workers.forEach((w, i) => {
      if (isUsing(world, i) && w.context.conn !== null) users[w.context.conn]!.push(i);
    });
    return {
      workers: world.workers.map((w, actor) => {
        const status = statusOf(world, actor);
        return { name: actorName(actor), status, committed: status === 'done', error: status === 'failed' ? w.context.error : null };
      }),
      users,
      counter: world.sqlite.committed[COUNTER] ?? 0,
    };
  }

  const connectionKey = (sqlite: SqliteWorld, conn: number): unknown => {
    const c = sqlite.connections.snapshots[conn]!;
    return [c.value, c.context.own, c.context.snapshot, c.context.snapshotVersion === null ? null : c.context.snapshotVersion === sqlite.version];
  };

  /**
   * Symmetry-reduced key: workers are interchangeable (the same program, the pool picks the lowest idle
   * connection whoever asks), so the key is the sorted multiset of per-worker local states. Thread-local: a
   * worker's own connection travels with it. Shared and pool: connections keep their numbers (the pool's
   * choice depends on them), and each worker names the connection it holds.
   */
  function key(world: PoolWorld): WorldKey {
    const { sqlite } = world;
    const locals = world.workers.map((w, i) =>
      JSON.stringify([
        w.value,
        w.context.value,
        w.context.error,
        world.deadlines[i] === null ? null : world.deadlines[i]! - world.clock,
        world.acquireWaiting[i],
        scheme === 'thread-local' ? connectionKey(sqlite, i) : w.context.conn,
      ]),
    );
    const shared = scheme === 'thread-local' ? [] : sqlite.connections.snapshots.map((_, c) => connectionKey(sqlite, c));
    return JSON.stringify([locals.sort(), sqlite.committed, shared]) as WorldKey;
  }

  /**
   * The dangerous windows: every pooled connection is checked out and someone else is waiting for one
   * (`pool-exhausted`); two connections after the write lock at once (`write-lock-contention`); two workers
   * inside one connection's unit of work (`connection-shared`).
   */
  function notable(world: PoolWorld): string[] {
    const tags: string[] = [];
    if (scheme === 'pool' && world.acquireWaiting.some((w, i) => w && stateOf(world, i) === 'acquiring') && idleConnection(world) === null) tags.push('pool-exhausted');
    let contenders = 0;
    for (let c = 0; c < connections; c++) {
      const state = connectionState(world.sqlite, c);
      const holds = state === 'reserved' || state === 'pending' || state === 'exclusive' || state === 'writing';
      const wants = world.workers.some((w, i) => {
        const next = nextPoolStep(w);
        return next?.kind === 'sql' && next.conn === c && (world.deadlines[i] !== null || next.command.type === 'WRITE' || (next.command.type === 'BEGIN' && next.command.mode !== 'deferred'));
      });
      if (holds || wants) contenders++;
    }
    if (contenders >= 2) tags.push('write-lock-contention');
    if (observe(world).users.some((u) => u.length >= 2)) tags.push('connection-shared');
    return tags;
  }

  /** Each worker's state and connection; each pooled connection's lock and users; the committed counter. */
  function expose(world: PoolWorld): ExposedWorld {
    const observation = observe(world);
    const names = Array.from({ length: connections }, (_, i) => connectionName(i));
    return {
      actors: exposeActors(actors, (actor) => {
        const view = observation.workers[actor]!;
        const conn = world.workers[actor]!.context.conn;
        return exposedActor(stateOf(world, actor), actorStatusOf(view.status), view.error ?? (conn === null ? null : `on ${connectionName(conn)}`));
      }),
      connections: exposeConnections(world.sqlite, names),
      shared: { counter: observation.counter, users: Object.fromEntries(observation.users.map((users, conn) => [names[conn]!, users.map((a) => actorName(a))])) },
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
    finished: (world, actor) => nextPoolStep(world.workers[actor]!) === null,
    describe: (world, actor) => {
      const conn = world.workers[actor]!.context.conn;
      return `${stateOf(world, actor)}/${conn === null ? '-' : connectionState(world.sqlite, conn)}`;
    },
    sharedName: 'SQLite',
    lockHeld: (world, actor) => {
      const conn = world.workers[actor]!.context.conn;
      return conn === null || stateOf(world, actor) === 'done' || stateOf(world, actor) === 'failed' ? '-' : lockLabel(world.sqlite, conn);
    },
    notable,
  };
}
