/** Messages between the threads runtime (threads-runtime.ts) and one actor thread (actor-thread.worker.ts). */
import type { ActorStepRecord, PendingStep } from '../gated/actor-channel.js';
import type { ClockTouch } from './clock-plan.js';
import type { ActorError, Journal } from './scenario-definition.js';

export interface ActorThreadData {
  /** One Int32: 0 while the thread waits; the runtime stores 1 (go), 2 (deadline) or 3 (abort) and notifies. */
  readonly control: SharedArrayBuffer;
  /** One Float64: the run's virtual time (ms since it started), written by the runtime before every hand-over. */
  readonly time: SharedArrayBuffer;
}

export const CONTROL = { wait: 0, go: 1, deadline: 2, abort: 3 } as const;

/** Run one actor of a scenario on a fresh copy of the database. */
export interface RunActorMessage {
  readonly kind: 'run';
  readonly module: string;
  readonly scenario: string;
  readonly actor: string;
  readonly index: number;
  readonly file: string;
  readonly journal: Journal;
  readonly busyTimeoutMs: number;
  /** `Date.now()` at the run's start when the virtual clock is on; null: the thread keeps the wall clock. */
  readonly clockStart: number | null;
}

/**
 * To a thread whose actor sleeps (it awaits a timer, so the thread is free): move the clock to `to` (virtual
 * ms), firing its timers due by then; the actor runs up to its next gate, or sleeps again.
 */
export interface AdvanceMessage {
  readonly kind: 'advance';
  readonly to: number;
}

/** To a thread whose actor sleeps, when the run closes: drop its timers, close its connections, report. */
export interface AbortSleeperMessage {
  readonly kind: 'abort';
}

export type ToActorThread = RunActorMessage | AdvanceMessage | AbortSleeperMessage;

export type ActorThreadMessage =
  | { readonly kind: 'parked'; readonly pending: PendingStep; readonly records: readonly ActorStepRecord[]; readonly touch?: ClockTouch }
  /** The actor awaits a timer of the virtual clock, the first of which fires at `wakeAt` (virtual ms). */
  | { readonly kind: 'sleeping'; readonly wakeAt: number; readonly records: readonly ActorStepRecord[]; readonly touch?: ClockTouch }
  | { readonly kind: 'done'; readonly value: unknown; readonly records: readonly ActorStepRecord[]; readonly touch?: ClockTouch }
  | { readonly kind: 'failed'; readonly error: ActorError; readonly records: readonly ActorStepRecord[]; readonly touch?: ClockTouch }
  /** The scenario could not be loaded in the thread: not an actor's failure, a usage error. */
  | { readonly kind: 'load-error'; readonly message: string };
