/**
 * The bookkeeping both runtimes share once an actor has reported where it stands: which actors can step,
 * whether a step is a virtual busy timeout running out, and the numbering of every connection of the run.
 * It is the one place where "who may move next" is decided by the real code's own state (RealRun.enabled()).
 *
 * A waiting actor (its statement refused, its virtual busy handler waiting) is offered again only when another
 * actor's step may have freed what it waits for: a transaction ended on another connection (COMMIT, ROLLBACK,
 * a failed statement that rolled back, the outermost RELEASE) or another actor finished (its connections are
 * closed). Picked then, it retries; refused again, it keeps waiting. When no other actor can move, the waiting
 * actors are offered with `deadline`: their busy timeout has run out, and a refusal now reaches their code.
 * So a run is finite, and a waiter never times out while something else could still let it through.
 *
 * The virtual clock (clock-plan.ts). The driver owns the run's one time, `now` (virtual ms since the run
 * started); the runtimes make every thread's clock read it. Its pseudo-actors come after the actors: `clock`
 * (advance to the next timer, index `actors.length`) and one `clock+<duration>` per declared duration. Which
 * choices are open at a step:
 * - every actor parked at a gate, as before;
 * - `clock`, when some timer is pending (its time is `nextTimerAt()`, the runtime's answer) and no waiting
 *   statement's busy deadline comes first;
 * - each `clock+<d>`, while some actor can step, the run has jumps left (`maxAdvances`), and `now + d` crosses
 *   no busy deadline;
 * - a waiting statement whose virtual busy timeout runs out (deadline: the time it was first refused plus the
 *   busy timeout), when its deadline is the earliest one and time must pass to reach it: nobody can step and no
 *   timer is pending (the rule above), or an offered advance would otherwise go past it. Picked, the clock moves
 *   to the deadline and the statement is tried a last time (`deadline`).
 * With `clock: false` none of this applies: the rule above alone, and no time.
 */
import type { RealStepRecord } from '../engine-seam.js';
import type { ActorStepRecord, PendingStep, Resume } from '../gated/actor-channel.js';
import { clockChoiceNames, formatClock, formatDuration, type ClockPlan } from './clock-plan.js';
import type { ActorError, ActorResult } from './scenario-definition.js';

/**
 * `parked` before a step; `running` between two gates; `sleeping`: awaiting a timer of the virtual clock (`wakeAt`);
 * `blocked`: running but awaiting something lockstep does not control.
 */
export type SlotStatus = 'parked' | 'running' | 'sleeping' | 'blocked' | 'done' | 'failed';

export interface ActorSlot {
  status: SlotStatus;
  pending: PendingStep | null;
  /** Waiting, and nothing happened since its last refusal that could let it through. */
  stale: boolean;
  value: unknown;
  error: ActorError | null;
  /** The action of the actor's last step, for fault reports. */
  lastAction: string | null;
  /** Waiting on a statement: when it was first refused (virtual ms). */
  waitingSince: number | null;
  /** Sleeping: when its first timer fires (virtual ms). */
  wakeAt: number | null;
}

/** What the driver needs to know about time: the plan, the busy timeout, and when the next timer fires (the runtime knows). */
export interface DriverClock {
  readonly plan: ClockPlan;
  readonly busyTimeoutMs: number;
  /** When the first pending timer that can fire now fires (virtual ms), or null. */
  readonly nextTimerAt: () => number | null;
}

const NO_CLOCK: DriverClock = { plan: { on: false, start: 0, advances: [], maxAdvances: 0 }, busyTimeoutMs: 0, nextTimerAt: () => null };

/** An actor that awaits something lockstep does not control and does not come back, or every actor doing so. */
export class StallError extends Error {
  override readonly name = 'StallError';
  constructor(
    message: string,
    /** The stalled actors with their last step. */
    readonly stalled: readonly { readonly actor: string; readonly lastAction: string | null }[],
    /** True when no unfinished actor could step: every one of them was blocked. */
    readonly everyActorBlocked: boolean,
  ) {
    super(message);
  }
}

/** The default bound on how long lockstep waits for an actor to come back from something it does not control. */
export const DEFAULT_STALL_TIMEOUT_MS = 5000;

export const connectionName = (actor: string, local: number): string => (local === 0 ? actor : `${actor}#${local}`);

export class RunDriver {
  readonly slots: ActorSlot[];
  /** Every connection of the run, named after its actor, in the order of their first statement. */
  readonly connections: string[] = [];
  private readonly connectionIds = new Map<string, number>();
  private readonly inTransaction: boolean[] = [];
  /** The actors, then the clock's pseudo-actors: what a schedule entry indexes. */
  readonly choices: readonly string[];
  /** The run's virtual time: ms since it started. */
  now = 0;
  /** Jumps by a declared duration taken so far. */
  advancesTaken = 0;

  constructor(
    readonly actors: readonly string[],
    private readonly clock: DriverClock = NO_CLOCK,
  ) {
    this.slots = actors.map(() => ({ status: 'running', pending: null, stale: false, value: undefined, error: null, lastAction: null, waitingSince: null, wakeAt: null }));
    this.choices = [...actors, ...clockChoiceNames(clock.plan)];
  }

  /** Whether schedule entry `choice` moves the clock rather than an actor. */
  isClockChoice(choice: number): boolean {
    return choice >= this.actors.length && choice < this.choices.length;
  }

  /** Where clock choice `choice` takes the time (virtual ms); null when it is not open now. */
  clockTarget(choice: number): number | null {
    if (!this.isClockChoice(choice)) return null;
    const k = choice - this.actors.length;
    if (k === 0) return this.clock.nextTimerAt();
    const by = this.clock.plan.advances[k - 1];
    return by === undefined ? null : this.now + by;
  }

  /** The step record's action for a clock choice. */
  describeAdvance(choice: number, to: number): string {
    const how = choice === this.actors.length ? 'to the next timer' : `by ${formatDuration(this.clock.plan.advances[choice - this.actors.length - 1] ?? 0)}`;
    return `advance ${how}: ${formatDuration(to - this.now)}, to ${formatClock(to)}`;
  }

  /** Counts a jump by a declared duration (called by the runtime once it has taken one). */
  tookAdvance(choice: number): void {
    if (choice > this.actors.length) this.advancesTaken++;
  }

  /** The busy deadline of a waiting actor (virtual ms), or null. */
  deadlineOf(actor: number): number | null {
    const since = this.slot(actor).waitingSince;
    return since === null || !this.clock.plan.on ? null : since + this.clock.busyTimeoutMs;
  }

  /** An actor is sleeping on the virtual clock until `wakeAt`. */
  sleeping(actor: number, wakeAt: number): void {
    const slot = this.slot(actor);
    slot.status = 'sleeping';
    slot.wakeAt = wakeAt;
  }

  finished(actor: number): boolean {
    const status = this.slot(actor).status;
    return status === 'done' || status === 'failed';
  }

  /** The open choices (actors and clock pseudo-actors), ascending. */
  enabled(): number[] {
    const ready: number[] = [];
    const timingOut: number[] = [];
    this.slots.forEach((slot, i) => {
      if (slot.status !== 'parked') return;
      if (this.isWaiting(slot) && slot.stale) timingOut.push(i);
      else ready.push(i);
    });
    if (!this.clock.plan.on) return ready.length > 0 ? ready : timingOut;
    if (this.slots.every((s) => s.status === 'done' || s.status === 'failed')) return [];
    const timer = this.clock.nextTimerAt();
    let deadline: number | null = null;
    this.slots.forEach((slot, i) => {
      const d = slot.status === 'parked' && this.isWaiting(slot) ? this.deadlineOf(i) : null;
      if (d !== null && (deadline === null || d < deadline)) deadline = d;
    });
    const reaches = (to: number): boolean => deadline === null || to <= deadline;
    const open = [...ready];
    let timeRunsOut = ready.length === 0 && timer === null;
    if (timer !== null) {
      if (reaches(timer)) open.push(this.actors.length);
      else timeRunsOut = true;
    }
    if (ready.length > 0 && this.advancesTaken < this.clock.plan.maxAdvances) {
      this.clock.plan.advances.forEach((by, k) => {
        if (reaches(this.now + by)) open.push(this.actors.length + 1 + k);
        else timeRunsOut = true;
      });
    }
    if (timeRunsOut && deadline !== null) for (const i of timingOut) if (this.deadlineOf(i) === deadline) open.push(i);
    return open.sort((a, b) => a - b);
  }

  /** How the actor is let go when picked now. */
  resumeFor(actor: number): Resume {
    const slot = this.slot(actor);
    if (this.clock.plan.on) return this.isWaiting(slot) && slot.stale ? 'deadline' : 'go';
    return this.isWaiting(slot) && slot.stale && !this.slots.some((s, i) => i !== actor && s.status === 'parked' && !(this.isWaiting(s) && s.stale)) ? 'deadline' : 'go';
  }

  parked(actor: number, pending: PendingStep): void {
    const slot = this.slot(actor);
    slot.status = 'parked';
    slot.pending = pending;
    slot.wakeAt = null;
  }

  settled(actor: number, result: { readonly value: unknown } | { readonly error: ActorError }): void {
    const slot = this.slot(actor);
    slot.pending = null;
    slot.stale = false;
    slot.waitingSince = null;
    slot.wakeAt = null;
    if ('error' in result) {
      slot.status = 'failed';
      slot.error = result.error;
    } else {
      slot.status = 'done';
      slot.value = result.value;
    }
    // Its connections are closed when it settles: whatever it held is free.
    this.refreshWaiters(actor);
  }

  /**
   * Takes the one record of `actor`'s step (numbering its connection for the whole run) and updates who is
   * waiting. A step that left no record, or several, breaks the runtime contract.
   */
  take(actor: number, records: readonly ActorStepRecord[]): RealStepRecord {
    const name = this.actors[actor]!;
    const record = records[0];
    if (record === undefined || records.length > 1) {
      const slot = this.slot(actor);
      const why = slot.status === 'failed' && slot.error !== null ? `: ${slot.error.name}: ${slot.error.message}` : '';
      throw new Error(`${name} took a step that left ${records.length} records${why}`);
    }
    const slot = this.slot(actor);
    slot.lastAction = record.action;
    if (/(, waits|, still waits)$/.test(record.outcome)) slot.stale = true;
    // The busy deadline counts from the first refusal of the statement; a retry refused again keeps it.
    if (/, waits$/.test(record.outcome)) slot.waitingSince = this.now;
    else if (!/, still waits$/.test(record.outcome)) slot.waitingSince = null;
    if (record.sql === undefined) return record;
    const key = connectionName(name, record.sql.connection);
    let id = this.connectionIds.get(key);
    if (id === undefined) {
      id = this.connections.length;
      this.connections.push(key);
      this.connectionIds.set(key, id);
      this.inTransaction.push(false);
    }
    const ended = this.inTransaction[id] === true && !record.sql.inTransaction;
    this.inTransaction[id] = record.sql.inTransaction;
    if (ended) this.refreshWaiters(actor);
    return { ...record, sql: { ...record.sql, connection: id } };
  }

  results(): Record<string, ActorResult> {
    const out: Record<string, ActorResult> = {};
    this.slots.forEach((slot, i) => {
      const name = this.actors[i]!;
      out[name] =
        slot.status === 'done'
          ? { status: 'done', value: slot.value }
          : slot.status === 'failed' && slot.error !== null
            ? { status: 'failed', error: slot.error }
            : { status: 'unfinished' };
    });
    return out;
  }

  /** The stall error for the actors that are blocked now (after waiting `bound` ms for any of them). */
  stall(bound: number, boundName: string): StallError {
    const stalled = this.slots.flatMap((slot, i) => (slot.status === 'blocked' || slot.status === 'running' || slot.status === 'sleeping' ? [{ actor: this.actors[i]!, lastAction: slot.lastAction }] : []));
    const everyActorBlocked = this.slots.every((slot) => slot.status !== 'parked');
    const who = stalled.map((s) => `${s.actor} (last step: ${s.lastAction === null ? 'none yet' : `"${s.lastAction}"`})`).join(', ');
    const message = everyActorBlocked && stalled.length > 1
      ? `deadlock: every unfinished actor is blocked on something lockstep does not control and none came back within ${bound} ms (${boundName}): ${who}`
      : `${who} did not come back within ${bound} ms (${boundName}): ${stalled.length === 1 ? 'it awaits' : 'they await'} something lockstep does not control (${this.clock.plan.on ? 'I/O, a socket, a native sleep such as Atomics.wait, a child process, a promise nobody resolves; the schedule advances the timers of the virtual clock, not these' : 'a timer, I/O, a promise nobody resolves'}); await only gated statements${this.clock.plan.on ? ', timers and points' : ''}, or mark shared waits with point(label)`;
    return new StallError(message, stalled, everyActorBlocked);
  }

  private isWaiting(slot: ActorSlot): boolean {
    return slot.pending?.type === 'sql' && slot.pending.waiting;
  }

  private refreshWaiters(except: number): void {
    this.slots.forEach((slot, i) => {
      if (i !== except) slot.stale = false;
    });
  }

  private slot(actor: number): ActorSlot {
    const slot = this.slots[actor];
    if (slot === undefined) throw new RangeError(`no actor ${actor} (there are ${this.slots.length})`);
    return slot;
  }
}
