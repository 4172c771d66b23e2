/**
 * The async runtime: every actor is an async function in this thread, and every gated statement and point
 * awaits its actor's turn. This file is the runtime boundary of the async runtime: `startActor` is the one place
 * where an actor's task starts, `step` the one place where a step is handed over (issue 14 adds its clock here).
 *
 * Handing over a step: the parked actor's promise is resolved with how it goes (`go`, or `deadline` for a virtual
 * busy timeout that ran out); then everything that actor does runs on microtasks until it parks again or its
 * function settles. If it has done neither once the microtask queue is empty (two turns of setImmediate), it
 * awaits something lockstep does not control: it is `blocked`, the others go on, and it becomes parked whenever it
 * arrives. When nobody can step but somebody is blocked, lockstep waits for an arrival up to the stall bound, then
 * reports the stall (or, when every actor is blocked, a deadlock).
 */
import type Database from 'better-sqlite3';
import type { RealExposedWorld, RealRun, RealStepRecord } from '../engine-seam.js';
import { RunAborted, type ActorStepRecord, type AsyncActorChannel, type PendingStep, type Resume } from '../gated/actor-channel.js';
import { AsyncGatedDatabase } from '../gated/async-gated-database.js';
import { describeError } from '../gated/connection-gate.js';
import { openRawConnection } from './run-database.js';
import { RunDriver, type ActorSlot } from './run-driver.js';
import { actorErrorOf, type ActorResult, type AsyncScenarioDefinition, type Journal } from './scenario-definition.js';

export interface UserRunOptions {
  /** The run's database file (a fresh copy of the template). */
  readonly file: string;
  readonly journal: Journal;
  readonly busyTimeoutMs: number;
  /** How long lockstep waits for an actor that awaits something it does not control. */
  readonly stallTimeoutMs: number;
}

/** A run of the user's actors behind the engine seam, explorable on its own (enabled()). */
export interface UserRun extends RealRun {
  readonly connections: readonly string[];
  enabled(): readonly number[];
  /** What each parked actor is about to do. */
  pending(actor: number): PendingStep | null;
  results(): Record<string, ActorResult>;
}

const drained = (): Promise<void> => new Promise((resolve) => setImmediate(() => setImmediate(resolve)));

interface Hand {
  resolve: (resume: Resume) => void;
  reject: (error: unknown) => void;
}

export async function openAsyncRun(definition: AsyncScenarioDefinition, options: UserRunOptions): Promise<UserRun> {
  const actors = Object.keys(definition.actors);
  const driver = new RunDriver(actors);
  const hands: (Hand | null)[] = actors.map(() => null);
  const records: ActorStepRecord[][] = actors.map(() => []);
  const raw: Database.Database[][] = actors.map(() => []);
  const programs: Promise<void>[] = [];
  let arrival: (() => void) | null = null;
  let closing = false;
  const arrive = (): void => {
    const wake = arrival;
    arrival = null;
    wake?.();
  };
  const nextArrival = (): Promise<void> => new Promise((resolve) => (arrival = resolve));
  const closeConnections = (actor: number): void => {
    for (const db of raw[actor]!) if (db.open) db.close();
  };

  /** The one place where an actor's task starts. */
  const startActor = (i: number): void => {
    const name = actors[i]!;
    const slot = driver.slots[i]!;
    const channel: AsyncActorChannel = {
      actor: name,
      park(pending: PendingStep): Promise<Resume> {
        if (closing) return Promise.reject(new RunAborted(name));
        return new Promise<Resume>((resolve, reject) => {
          hands[i] = { resolve, reject };
          driver.parked(i, pending);
          arrive();
        });
      },
      record: (record) => records[i]!.push(record),
    };
    const context = {
      actor: name,
      index: i,
      open(): AsyncGatedDatabase {
        const db = openRawConnection(options.file);
        raw[i]!.push(db);
        return new AsyncGatedDatabase(db, channel, raw[i]!.length - 1, options.journal, options.busyTimeoutMs);
      },
      async point(label: string): Promise<void> {
        await channel.park({ type: 'point', label });
        channel.record({ actor: name, action: `point ${label}`, outcome: 'ok' });
      },
    };
    const program = definition.actors[name]!;
    programs.push(
      new Promise<unknown>((resolve) => resolve(program(context))).then(
        (value) => {
          closeConnections(i);
          driver.settled(i, { value });
          arrive();
        },
        (error: unknown) => {
          closeConnections(i);
          driver.settled(i, { error: actorErrorOf(error) });
          arrive();
        },
      ),
    );
  };

  /** Waits until `actor` has parked or settled; marks it blocked if it has done neither once the microtasks are done. */
  const awaitArrival = async (slot: ActorSlot): Promise<void> => {
    while (slot.status === 'running') {
      const arrived = nextArrival();
      const outcome = await Promise.race([arrived.then(() => 'arrived' as const), drained().then(() => 'drained' as const)]);
      if (outcome === 'drained' && slot.status === 'running') slot.status = 'blocked';
    }
  };

  /** When nobody can step and somebody is blocked: wait for an arrival, up to the stall bound. */
  const awaitAnyone = async (): Promise<void> => {
    while (driver.enabled().length === 0 && driver.slots.some((s) => s.status === 'blocked')) {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), options.stallTimeoutMs)));
      const outcome = await Promise.race([nextArrival().then(() => 'arrived' as const), timedOut]);
      clearTimeout(timer);
      // An arrival means a blocked actor parked or settled: park() and settling set its status.
      if (outcome === 'timeout') throw driver.stall(options.stallTimeoutMs, 'stallTimeoutMs');
    }
  };

  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    closing = true;
    hands.forEach((hand, i) => {
      hands[i] = null;
      hand?.reject(new RunAborted(actors[i]!));
    });
    // Aborted actors unwind on microtasks; a blocked one may never settle, and is left behind with its connections closed.
    await drained();
    actors.forEach((_, i) => closeConnections(i));
  };

  try {
    for (let i = 0; i < actors.length; i++) {
      startActor(i);
      await awaitArrival(driver.slots[i]!);
    }
    await awaitAnyone();
  } catch (error) {
    await close();
    throw error;
  }

  return {
    actors,
    connections: driver.connections,
    finished: (actor) => driver.finished(actor),
    enabled: () => driver.enabled(),
    pending: (actor) => driver.slots[actor]?.pending ?? null,
    results: () => driver.results(),
    /** The one place where a step is handed over. */
    async step(actor): Promise<RealStepRecord> {
      if (closed) throw new Error('the run is closed');
      const slot = driver.slots[actor];
      const hand = hands[actor];
      if (slot === undefined) throw new RangeError(`no actor ${actor}`);
      if (slot.status !== 'parked' || hand == null) throw new Error(`${actors[actor]} cannot step: it is ${slot.status}`);
      const resume = driver.resumeFor(actor);
      const before = records[actor]!.length;
      hands[actor] = null;
      slot.status = 'running';
      slot.pending = null;
      hand.resolve(resume);
      await awaitArrival(slot);
      const record = driver.take(actor, records[actor]!.slice(before));
      await awaitAnyone();
      return record;
    },
    observe: () => driver.results(),
    expose(): RealExposedWorld {
      return exposeSlots(actors, driver.slots);
    },
    close,
  };
}

/** The actors as a format-2 trace shows them (what the real run can see of them). */
export function exposeSlots(actors: readonly string[], slots: readonly ActorSlot[]): RealExposedWorld {
  const out: Record<string, { state: string; status: 'running' | 'waiting' | 'blocked' | 'done' | 'failed'; detail?: string }> = {};
  slots.forEach((slot, i) => {
    const name = actors[i]!;
    switch (slot.status) {
      case 'done':
        out[name] = { state: 'done', status: 'done' };
        return;
      case 'failed':
        out[name] = { state: 'failed', status: 'failed', detail: slot.error === null ? '' : `${slot.error.name}: ${slot.error.message}` };
        return;
      case 'blocked':
        out[name] = { state: 'blocked', status: 'blocked', detail: slot.lastAction ?? '' };
        return;
      case 'parked':
      case 'running': {
        const pending = slot.pending;
        const waiting = pending?.type === 'sql' && pending.waiting;
        out[name] = { state: pending === null ? 'running' : pending.type === 'sql' ? pending.text : `point ${pending.label}`, status: waiting ? 'waiting' : 'running' };
        return;
      }
    }
  });
  return { actors: out };
}

export { describeError };
