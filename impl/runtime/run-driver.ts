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
 */
import type { RealStepRecord } from '../engine-seam.js';
import type { ActorStepRecord, PendingStep, Resume } from '../gated/actor-channel.js';
import type { ActorError, ActorResult } from './scenario-definition.js';

/** `parked` before a step; `running` between two gates; `blocked`: running but awaiting something lockstep does not control. */
export type SlotStatus = 'parked' | 'running' | 'blocked' | 'done' | 'failed';

export interface ActorSlot {
  status: SlotStatus;
  pending: PendingStep | null;
  /** Waiting, and nothing happened since its last refusal that could let it through. */
  stale: boolean;
  value: unknown;
  error: ActorError | null;
  /** The action of the actor's last step, for fault reports. */
  lastAction: string | null;
}

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

  constructor(readonly actors: readonly string[]) {
    this.slots = actors.map(() => ({ status: 'running', pending: null, stale: false, value: undefined, error: null, lastAction: null }));
  }

  finished(actor: number): boolean {
    const status = this.slot(actor).status;
    return status === 'done' || status === 'failed';
  }

  enabled(): number[] {
    const ready: number[] = [];
    const timingOut: number[] = [];
    this.slots.forEach((slot, i) => {
      if (slot.status !== 'parked') return;
      if (this.isWaiting(slot) && slot.stale) timingOut.push(i);
      else ready.push(i);
    });
    return ready.length > 0 ? ready : timingOut;
  }

  /** How the actor is let go when picked now. */
  resumeFor(actor: number): Resume {
    const slot = this.slot(actor);
    return this.isWaiting(slot) && slot.stale && !this.slots.some((s, i) => i !== actor && s.status === 'parked' && !(this.isWaiting(s) && s.stale)) ? 'deadline' : 'go';
  }

  parked(actor: number, pending: PendingStep): void {
    const slot = this.slot(actor);
    slot.status = 'parked';
    slot.pending = pending;
  }

  settled(actor: number, result: { readonly value: unknown } | { readonly error: ActorError }): void {
    const slot = this.slot(actor);
    slot.pending = null;
    slot.stale = false;
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
    const stalled = this.slots.flatMap((slot, i) => (slot.status === 'blocked' || slot.status === 'running' ? [{ actor: this.actors[i]!, lastAction: slot.lastAction }] : []));
    const everyActorBlocked = this.slots.every((slot) => slot.status !== 'parked');
    const who = stalled.map((s) => `${s.actor} (last step: ${s.lastAction === null ? 'none yet' : `"${s.lastAction}"`})`).join(', ');
    const message = everyActorBlocked && stalled.length > 1
      ? `deadlock: every unfinished actor is blocked on something lockstep does not control and none came back within ${bound} ms (${boundName}): ${who}`
      : `${who} did not come back within ${bound} ms (${boundName}): ${stalled.length === 1 ? 'it awaits' : 'they await'} something lockstep does not control (a timer, I/O, a promise nobody resolves); await only gated statements, or mark shared waits with point(label)`;
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
