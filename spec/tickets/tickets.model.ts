/**
 * The ticket scenario (seed 002) as a state space: N workers, each with its own connection to one database,
 * running the repository's code (ticket-worker.machine.ts) against the SQLite model (sqlite-world.ts), with a
 * virtual clock for the busy timeout.
 *
 * Waiting: a statement answered SQLITE_BUSY for which SQLite would invoke the busy handler (`wouldWait`)
 * does not fail yet: its worker waits, and may step again only when the same statement would now succeed
 * (the lock changed hands), or, when no one else can step, when its deadline (clock + busy timeout) comes:
 * the clock moves to the deadline and the statement fails with SQLITE_BUSY. A busy answer without
 * `wouldWait` fails at once, as SQLite does.
 */
import { initialTransition, transition } from 'xstate';
import type { SnapshotFrom } from 'xstate';
import { decideBusyWait, isBusy, refusalText, sqliteKeyPart, type WaitNote } from '../sqlite/virtual-busy-timeout.js';
import type { ExposedWorld, ScenarioModel, StepRecord, WorldKey } from '../scenario-model.js';
import type { BeginMode, Journal, StepOutcome } from '../sqlite/lock-script.js';
import type { SqliteCommand, SqliteWorld } from '../sqlite/sqlite-world.js';
import { connectionState, exposeConnections, initialSqliteWorld, lockLabel, stepSqliteWorld } from '../sqlite/sqlite-world.js';
import type { TicketWorkerEvent, TicketWorkerState, TicketWorkload } from './ticket-worker.machine.js';
import { ticketWorkerMachine } from './ticket-worker.machine.js';
import type { TicketsObservation, TicketWorkerStatus } from './tickets.observation.js';
import { ticketName, workerName } from './tickets.observation.js';

export interface TicketsParams {
  readonly workers: number;
  readonly journal: Journal;
  readonly mode: BeginMode;
  readonly workload: TicketWorkload;
  /** Virtual milliseconds a waiting statement may wait before it fails with SQLITE_BUSY. */
  readonly busyTimeoutMs: number;
}

type WorkerSnapshot = SnapshotFrom<typeof ticketWorkerMachine>;

export interface TicketsWorld {
  readonly sqlite: SqliteWorld;
  readonly workers: readonly WorkerSnapshot[];
  /** Per worker: the virtual time its waiting statement gives up, or null when not waiting. */
  readonly deadlines: readonly (number | null)[];
  readonly clock: number;
}

/** The statement a worker issues next, or null when it has finished. */
export function nextCommand(worker: WorkerSnapshot): SqliteCommand | null {
  const { context } = worker;
  const state = worker.value as TicketWorkerState;
  switch (state) {
    case 'beginning':
      return { type: 'BEGIN', mode: context.mode };
    case 'reading':
      return { type: 'READ', key: ticketName(context.ticket) };
    case 'writing':
      return { type: 'WRITE', key: ticketName(context.ticket), effect: { kind: 'set', value: context.me } };
    case 'committing':
    case 'committingTaken':
      return { type: 'COMMIT' };
    case 'rollingBack':
      return { type: 'ROLLBACK' };
    case 'acquired':
    case 'failed':
      return null;
  }
}

/** The SQL a command stands for, as the trace shows it (the real engine prints the same words). */
export function actionText(command: SqliteCommand, me: number): string {
  switch (command.type) {
    case 'BEGIN':
      return `BEGIN ${command.mode.toUpperCase()}`;
    case 'READ':
      return `SELECT ${command.key}`;
    case 'WRITE':
      return `UPDATE ${command.key} SET locked_by = ${workerName(me - 1)}`;
    case 'COMMIT':
      return 'COMMIT';
    case 'ROLLBACK':
      return 'ROLLBACK';
  }
}

/** The outcome as the trace shows it. A read shows who holds the ticket. */
export function outcomeText(outcome: StepOutcome, waited: WaitNote): string {
  if (outcome.status === 'ok') {
    if (outcome.value === undefined) return 'ok';
    return outcome.value === 0 ? 'free' : `held by ${workerName(outcome.value - 1)}`;
  }
  return refusalText(outcome, waited);
}


function eventOf(outcome: StepOutcome): TicketWorkerEvent {
  return outcome.status === 'ok'
    ? outcome.value === undefined
      ? { type: 'SQL_OK' }
      : { type: 'SQL_OK', value: outcome.value }
    : { type: 'SQL_FAILED', code: outcome.code ?? outcome.status };
}

export function createTicketsModel(params: TicketsParams): ScenarioModel<TicketsWorld, TicketsObservation> {
  const { workers: count, journal, mode, workload, busyTimeoutMs } = params;
  const tickets = count;
  const keys = Array.from({ length: tickets }, (_, i) => ticketName(i));
  const actors = Array.from({ length: count }, (_, i) => workerName(i));
  const workers = actors.map((_, i) => {
    const [snapshot] = initialTransition(ticketWorkerMachine, {
      me: i + 1,
      mode,
      workload,
      ticket: workload === 'acquire' ? i : 0,
      tickets,
    });
    return snapshot;
  });
  const initial: TicketsWorld = {
    sqlite: initialSqliteWorld(journal, count, keys),
    workers,
    deadlines: actors.map(() => null),
    clock: 0,
  };

  /** Would this waiting worker's statement succeed if retried now? */
  function canRetry(world: TicketsWorld, actor: number): boolean {
    const command = nextCommand(world.workers[actor]!);
    return command !== null && !isBusy(stepSqliteWorld(world.sqlite, actor, command).outcome);
  }

  function enabled(world: TicketsWorld): number[] {
    const ready: number[] = [];
    const waiting: number[] = [];
    world.workers.forEach((worker, actor) => {
      if (nextCommand(worker) === null) return;
      if (world.deadlines[actor] === null) ready.push(actor);
      else if (canRetry(world, actor)) ready.push(actor);
      else waiting.push(actor);
    });
    if (ready.length > 0 || waiting.length === 0) return ready;
    // Nobody can move: time passes to the earliest deadline.
    const earliest = Math.min(...waiting.map((a) => world.deadlines[a]!));
    return waiting.filter((a) => world.deadlines[a] === earliest);
  }

  function step(world: TicketsWorld, actor: number): { world: TicketsWorld; record: StepRecord } {
    const worker = world.workers[actor];
    const command = worker === undefined ? null : nextCommand(worker);
    if (worker === undefined || command === null) throw new RangeError(`${actorName(actor)} cannot step: it has finished`);
    const deadline = world.deadlines[actor] ?? null;
    const result = stepSqliteWorld(world.sqlite, actor, command);
    const deadlines = world.deadlines.slice();
    const decision = decideBusyWait(result.outcome, deadline, world.clock, busyTimeoutMs);
    const { clock, waited } = decision;
    deadlines[actor] = decision.deadline;
    const [nextWorker] = decision.deliver ? transition(ticketWorkerMachine, worker, eventOf(result.outcome)) : [worker];
    const workersNext = world.workers.slice();
    workersNext[actor] = nextWorker;
    return {
      world: { sqlite: result.world, workers: workersNext, deadlines, clock },
      record: { actor: actorName(actor), action: actionText(command, actor + 1), outcome: outcomeText(result.outcome, waited) },
    };
  }

  function actorName(actor: number): string {
    return actors[actor] ?? `actor-${actor}`;
  }

  function statusOf(world: TicketsWorld, actor: number): TicketWorkerStatus {
    const state = world.workers[actor]!.value as TicketWorkerState;
    if (state === 'acquired') return 'acquired';
    if (state === 'failed') return 'failed';
    return world.deadlines[actor] === null ? 'running' : 'waiting';
  }

  function observe(world: TicketsWorld): TicketsObservation {
    const holders: Record<string, number | null> = {};
    for (const key of keys) {
      const value = world.sqlite.committed[key] ?? 0;
      holders[key] = value === 0 ? null : value - 1;
    }
    return {
      workers: world.workers.map((worker, actor) => {
        const status = statusOf(world, actor);
        return {
          name: actorName(actor),
          status,
          ticket: status === 'acquired' ? ticketName(worker.context.ticket) : null,
          error: worker.context.error,
        };
      }),
      holders,
    };
  }

  /** Symmetric key (workload `acquire`): worker i only touches ticket i, so workers can be permuted together
   * with their tickets; the key is the sorted multiset of per-worker local states. */
  function symmetricKey(world: TicketsWorld): WorldKey {
    const { sqlite } = world;
    const locals = world.workers.map((worker, i) => {
      const key = keys[i]!;
      // locked_by values are worker ids; seen from worker i they are free (0), mine, or someone else's.
      const rel = (value: number | undefined): string | null =>
        value === undefined ? null : value === 0 ? 'free' : value === i + 1 ? 'mine' : 'other';
      const connection = sqlite.connections.snapshots[i]!;
      const { own, snapshot, snapshotVersion } = connection.context;
      const deadline = world.deadlines[i];
      return JSON.stringify([
        worker.value,
        worker.context.error,
        deadline === null ? null : deadline! - world.clock,
        connection.value,
        rel(own[key]),
        snapshot === null ? null : [rel(snapshot[key]), snapshotVersion === sqlite.version],
        rel(sqlite.committed[key]),
      ]);
    });
    return locals.sort().join('|') as WorldKey;
  }

  function fullKey(world: TicketsWorld): WorldKey {
    const { sqlite } = world;
    return JSON.stringify([
      world.workers.map((w) => [w.value, w.context.ticket, w.context.error]),
      world.deadlines.map((d) => (d === null ? null : d - world.clock)),
      sqliteKeyPart(sqlite),
    ]) as WorldKey;
  }

  /** Workers that hold the write lock, or are waiting for a statement that needs it. */
  function writeLockContenders(world: TicketsWorld): number {
    let contenders = 0;
    world.workers.forEach((worker, i) => {
      const state = connectionState(world.sqlite, i);
      const holds = state === 'reserved' || state === 'pending' || state === 'exclusive' || state === 'writing';
      const command = nextCommand(worker);
      const wants =
        world.deadlines[i] !== null ||
        (command !== null && (command.type === 'WRITE' || (command.type === 'BEGIN' && command.mode !== 'deferred')));
      if (holds || wants) contenders++;
    });
    return contenders;
  }

  /** Each worker's machine state, its connection's lock, and the committed locked_by of every ticket. */
  function expose(world: TicketsWorld): ExposedWorld {
    const observation = observe(world);
    const exposed: Record<string, ExposedWorld['actors'][string]> = {};
    observation.workers.forEach((view, actor) => {
      const state = String(world.workers[actor]!.value);
      const command = nextCommand(world.workers[actor]!);
      const detail =
        view.error ?? (view.status === 'waiting' && command !== null ? `waits on ${actionText(command, actor + 1)} until t=${world.deadlines[actor]! / 1000}s` : view.ticket ?? undefined);
      exposed[view.name] = { state, status: view.status === 'acquired' ? 'done' : view.status, ...(detail === undefined ? {} : { detail }) };
    });
    const lockedBy = Object.fromEntries(Object.entries(observation.holders).map(([ticket, holder]) => [ticket, holder === null ? null : workerName(holder)]));
    return { actors: exposed, connections: exposeConnections(world.sqlite, actors), shared: { locked_by: lockedBy }, clock: world.clock };
  }

  return {
    actors,
    initial,
    enabled,
    step,
    expose,
    key: workload === 'acquire' ? symmetricKey : fullKey,
    observe,
    finished: (world, actor) => nextCommand(world.workers[actor]!) === null,
    describe: (world, actor) => `${String(world.workers[actor]!.value)}/${connectionState(world.sqlite, actor)}`,
    sharedName: 'SQLite',
    lockHeld: (world, actor) => lockLabel(world.sqlite, actor),
    notable: (world) => (writeLockContenders(world) >= 2 ? ['write-lock-contention'] : []),
  };
}
