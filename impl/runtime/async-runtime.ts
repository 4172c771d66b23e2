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
 *
 * The virtual clock. While the run is open this thread's timers and Date are lockstep's (virtual-clock.ts,
 * installed when the run opens, uninstalled when it closes, also on failure). A timer belongs to the actor that
 * was running when it was set (exactly one runs between two gates), so an actor that awaits a timer is
 * `sleeping` until it, not blocked; a clock step fires the due timers one by one, each followed by its owner
 * running up to its next gate. The timers an actor leaves behind when its function settles are cleared.
 */
import type Database from 'better-sqlite3';
import type { RealExposedWorld, RealRun, RealStepRecord } from '../engine-seam.js';
import { RunAborted, type ActorStepRecord, type AsyncActorChannel, type PendingStep, type Resume } from '../gated/actor-channel.js';
import { AsyncGatedDatabase } from '../gated/async-gated-database.js';
import { describeError } from '../gated/connection-gate.js';
import { formatClock, UNTOUCHED, type ClockPlan, type ClockTouch } from './clock-plan.js';
import { realClearTimeout, realSetTimeout } from './real-timers.js';
import { openRawConnection } from './run-database.js';
import { RunDriver, type ActorSlot } from './run-driver.js';
import { actorErrorOf, type ActorResult, type AsyncScenarioDefinition, type Journal } from './scenario-definition.js';
import { VirtualClock } from './virtual-clock.js';

export interface UserRunOptions {
  /** The run's database file (a fresh copy of the template). */
  readonly file: string;
  readonly journal: Journal;
  readonly busyTimeoutMs: number;
  /** How long lockstep waits for an actor that awaits something it does not control. */
  readonly stallTimeoutMs: number;
  /** The scenario's virtual clock. */
  readonly clock: ClockPlan;
}

/** A run of the user's actors behind the engine seam, explorable on its own (enabled()). */
export interface UserRun extends RealRun {
  /** The actors, then the clock's pseudo-actors (clock-plan.ts): what a schedule entry indexes. */
  readonly actors: readonly string[];
  readonly connections: readonly string[];
  enabled(): readonly number[];
  /** What each parked actor is about to do (null for a clock choice). */
  pending(actor: number): PendingStep | null;
  /** Whether schedule entry `choice` moves the clock. */
  isClockChoice(choice: number): boolean;
  /** Whether picking `actor` now makes its virtual busy timeout run out (which moves the clock to its deadline). */
  timesOut(actor: number): boolean;
  /** The run's virtual time: ms since it started. */
  now(): number;
  /** What the last actor step did to the virtual clock (read the time, set or cleared timers), for reduction. */
  lastTouch(): ClockTouch;
  results(): Record<string, ActorResult>;
}

/** The most timers one clock step may fire (a timer that re-arms itself at once would loop forever). */
export const MAX_TIMERS_PER_ADVANCE = 1000;

/** A clock step fired more than MAX_TIMERS_PER_ADVANCE timers: user code that re-arms a timer without end. */
export class TimerLoopError extends Error {
  override readonly name = 'TimerLoopError';
}

const drained = (): Promise<void> => new Promise((resolve) => setImmediate(() => setImmediate(resolve)));

interface Hand {
  resolve: (resume: Resume) => void;
  reject: (error: unknown) => void;
}

export async function openAsyncRun(definition: AsyncScenarioDefinition, options: UserRunOptions): Promise<UserRun> {
  const actors = Object.keys(definition.actors);
  const clock = options.clock.on ? VirtualClock.install(options.clock.start) : null;
  /** Which actor set each pending timer. */
  const owners = new Map<number, number>();
  const driver = new RunDriver(actors, { plan: options.clock, busyTimeoutMs: options.busyTimeoutMs, nextTimerAt: () => clock?.nextTimer()?.at ?? null });
  const hands: (Hand | null)[] = actors.map(() => null);
  const records: ActorStepRecord[][] = actors.map(() => []);
  const raw: Database.Database[][] = actors.map(() => []);
  const programs: Promise<void>[] = [];
  let arrival: (() => void) | null = null;
  let closing = false;
  let lastTouch: ClockTouch = UNTOUCHED;
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
          forgetTimers(i);
          driver.settled(i, { value });
          arrive();
        },
        (error: unknown) => {
          closeConnections(i);
          forgetTimers(i);
          driver.settled(i, { error: actorErrorOf(error) });
          arrive();
        },
      ),
    );
  };

  /** Clears the timers a finished actor left behind: they never fire. */
  const forgetTimers = (i: number): void => {
    if (clock === null) return;
    const mine = [...owners].filter(([, owner]) => owner === i).map(([id]) => id);
    clock.clear(mine);
    for (const id of mine) owners.delete(id);
  };

  /**
   * Runs `body` (which lets actor `i` run up to its next gate) and gives the timers set meanwhile to `i`; then an
   * actor that neither parked nor settled but has a timer pending is sleeping until its first one.
   */
  const attributed = async (i: number, body: () => Promise<void>): Promise<void> => {
    const before = clock?.timerIds() ?? new Set<number>();
    await body();
    if (clock === null) return;
    for (const id of clock.timerIds()) if (!before.has(id) && !owners.has(id)) owners.set(id, i);
    for (const [id] of owners) if (clock.timerAt(id) === null) owners.delete(id);
    const slot = driver.slots[i]!;
    if (slot.status === 'blocked' || slot.status === 'sleeping') {
      const wake = firstTimerOf(i);
      if (wake === null) slot.status = 'blocked';
      else driver.sleeping(i, wake);
    }
  };

  const firstTimerOf = (i: number): number | null => {
    let first: number | null = null;
    for (const [id, owner] of owners) {
      const at = owner === i ? clock?.timerAt(id) ?? null : null;
      if (at !== null && (first === null || at < first)) first = at;
    }
    return first;
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
      const timedOut = new Promise<'timeout'>((resolve) => (timer = realSetTimeout(() => resolve('timeout'), options.stallTimeoutMs)));
      const outcome = await Promise.race([nextArrival().then(() => 'arrived' as const), timedOut]);
      realClearTimeout(timer);
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
    // Aborted actors unwind on microtasks; a blocked one may never settle, and is left behind with its connections
    // closed; a sleeping one never wakes: its timers go with the clock.
    await drained();
    actors.forEach((_, i) => closeConnections(i));
    clock?.uninstall();
  };

  /**
   * A clock step: fires, in order, every timer due up to `to` (each owner then runs up to its next gate), and
   * leaves the clock at `to`. Returns the actors that woke (parked or finished because of it).
   */
  const advance = async (to: number): Promise<string[]> => {
    const woke: string[] = [];
    if (clock === null) return woke;
    for (let fired = 0; ; fired++) {
      const next = clock.nextTimer();
      if (next === null || next.at > to) break;
      if (fired >= MAX_TIMERS_PER_ADVANCE) throw new TimerLoopError(`one clock step fired ${MAX_TIMERS_PER_ADVANCE} timers before ${formatClock(to)}: a timer that sets itself again without delay? (MAX_TIMERS_PER_ADVANCE)`);
      const owner = owners.get(next.id);
      driver.now = next.at;
      if (owner === undefined) {
        clock.fireNext();
        await drained();
        continue;
      }
      const slot = driver.slots[owner]!;
      const wasAway = slot.status === 'sleeping' || slot.status === 'blocked';
      await attributed(owner, async () => {
        if (wasAway) slot.status = 'running';
        clock.fireNext();
        if (wasAway) await awaitArrival(slot);
        else await drained();
      });
      if (wasAway && (slot.status === 'parked' || slot.status === 'done' || slot.status === 'failed') && !woke.includes(actors[owner]!)) woke.push(actors[owner]!);
    }
    clock.moveTo(to);
    driver.now = to;
    return woke;
  };

  try {
    for (let i = 0; i < actors.length; i++) {
      await attributed(i, async () => {
        startActor(i);
        await awaitArrival(driver.slots[i]!);
      });
    }
    await awaitAnyone();
  } catch (error) {
    await close();
    throw error;
  }

  return {
    actors: driver.choices,
    connections: driver.connections,
    finished: (actor) => driver.finished(actor),
    enabled: () => driver.enabled(),
    pending: (actor) => driver.slots[actor]?.pending ?? null,
    isClockChoice: (choice) => driver.isClockChoice(choice),
    timesOut: (actor) => actor < actors.length && driver.slots[actor]?.status === 'parked' && driver.resumeFor(actor) === 'deadline' && driver.deadlineOf(actor) !== null,
    now: () => driver.now,
    lastTouch: () => lastTouch,
    results: () => driver.results(),
    /** The one place where a step is handed over: an actor's step, or a clock step. */
    async step(actor): Promise<RealStepRecord> {
      if (closed) throw new Error('the run is closed');
      if (driver.isClockChoice(actor)) {
        const to = driver.clockTarget(actor);
        if (to === null || !driver.enabled().includes(actor)) throw new Error(`${driver.choices[actor]} cannot step: no timer is pending or no jump is left`);
        const action = driver.describeAdvance(actor, to);
        const woke = await advance(to);
        driver.tookAdvance(actor);
        await awaitAnyone();
        return { actor: driver.choices[actor]!, action, outcome: wokeOutcome(woke) };
      }
      const slot = driver.slots[actor];
      const hand = hands[actor];
      if (slot === undefined) throw new RangeError(`no actor ${actor}`);
      if (slot.status !== 'parked' || hand == null) throw new Error(`${actors[actor]} cannot step: it is ${slot.status}`);
      const resume = driver.resumeFor(actor);
      // A virtual busy timeout running out: the clock moves to the deadline (no timer is due before it).
      const deadline = resume === 'deadline' ? driver.deadlineOf(actor) : null;
      if (deadline !== null && deadline > driver.now) {
        clock?.moveTo(deadline);
        driver.now = deadline;
      }
      const before = records[actor]!.length;
      hands[actor] = null;
      slot.status = 'running';
      slot.pending = null;
      const timersBefore = clock?.timerIds() ?? new Set<number>();
      clock?.resetReads();
      await attributed(actor, async () => {
        hand.resolve(resume);
        await awaitArrival(slot);
      });
      lastTouch = clock?.touchedSince(timersBefore) ?? UNTOUCHED;
      const record = driver.take(actor, records[actor]!.slice(before));
      await awaitAnyone();
      return record;
    },
    observe: () => driver.results(),
    expose(): RealExposedWorld {
      return { ...exposeSlots(actors, driver.slots), ...(options.clock.on ? { clock: driver.now } : {}) };
    },
    close,
  };
}

/** A clock step's outcome: who woke. */
export const wokeOutcome = (woke: readonly string[]): string => (woke.length === 0 ? 'nobody wakes' : `${woke.join(', ')} ${woke.length === 1 ? 'wakes' : 'wake'}`);

/** The actors as a format-2 trace shows them (what the real run can see of them). */
export function exposeSlots(actors: readonly string[], slots: readonly ActorSlot[]): RealExposedWorld {
  const out: Record<string, { state: string; status: 'running' | 'waiting' | 'blocked' | 'done' | 'failed'; detail?: string }> = {};
  slots.forEach((slot, i) => {
    const name = actors[i]!;
    switch (slot.status) {
      case 'sleeping':
        out[name] = { state: 'sleeping', status: 'waiting', detail: slot.wakeAt === null ? '' : `until ${formatClock(slot.wakeAt)}` };
        return;
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
