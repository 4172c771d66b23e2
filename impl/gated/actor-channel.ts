/**
 * The runtime boundary as the gated connections see it: one channel per actor. Before every scheduling point
 * (a statement, a `point(label)`) the actor parks on its channel with what it is about to do; the runtime hands
 * the step over when the schedule picks that actor. Each step then leaves exactly one record on the channel.
 *
 * The two runtimes implement it once each: the async runtime (impl/runtime/async-runtime.ts) with promises in
 * one thread, the threads runtime (impl/runtime/actor-thread.worker.ts) with a blocking Atomics handshake.
 * Issue 14 (a virtual clock in user code) adds a clock step here and nowhere else.
 */
import type { RealStepRecord } from '../engine-seam.js';
import type { StatementKind } from '../lock-step/busy-handler-rule.js';

/**
 * What a parked actor will do when it is picked, for reduction and for reports. `connection` is the actor's own
 * connection number (0 for the first it opened). `kind` null: the statement changes no lock.
 */
export type PendingStep =
  | { readonly type: 'sql'; readonly connection: number; readonly text: string; readonly kind: StatementKind | null; readonly waiting: boolean }
  | { readonly type: 'point'; readonly label: string };

/**
 * How a parked actor is let go: `go` takes its step; `deadline` is given only to an actor waiting in its virtual
 * busy handler, when nobody else can move: its busy timeout has run out, so a statement still refused now
 * reaches the code as SQLITE_BUSY.
 */
export type Resume = 'go' | 'deadline';

/** A step record whose `sql.connection` is still the actor's own connection number. */
export type ActorStepRecord = RealStepRecord;

export interface SyncActorChannel {
  readonly actor: string;
  /** Blocks until the schedule picks this actor. Throws {@link RunAborted} when the run is being closed. */
  park(pending: PendingStep): Resume;
  record(record: ActorStepRecord): void;
}

export interface AsyncActorChannel {
  readonly actor: string;
  park(pending: PendingStep): Promise<Resume>;
  record(record: ActorStepRecord): void;
}

/**
 * Thrown out of a gate when lockstep closes a run before an actor finished (the run stopped on a violation, or
 * the exploration was interrupted). User code should let it through; if it catches it, every later gate throws
 * it again.
 */
export class RunAborted extends Error {
  override readonly name = 'RunAborted';
  constructor(actor: string) {
    super(`lockstep closed the run before ${actor} finished`);
  }
}
