/** Messages between the threads runtime (threads-runtime.ts) and one actor thread (actor-thread.worker.ts). */
import type { ActorStepRecord, PendingStep } from '../gated/actor-channel.js';
import type { ActorError, Journal } from './scenario-definition.js';

export interface ActorThreadData {
  /** One Int32: 0 while the thread waits; the runtime stores 1 (go), 2 (deadline) or 3 (abort) and notifies. */
  readonly control: SharedArrayBuffer;
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
}

export type ActorThreadMessage =
  | { readonly kind: 'parked'; readonly pending: PendingStep; readonly records: readonly ActorStepRecord[] }
  | { readonly kind: 'done'; readonly value: unknown; readonly records: readonly ActorStepRecord[] }
  | { readonly kind: 'failed'; readonly error: ActorError; readonly records: readonly ActorStepRecord[] }
  /** The scenario could not be loaded in the thread: not an actor's failure, a usage error. */
  | { readonly kind: 'load-error'; readonly message: string };
