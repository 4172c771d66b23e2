/** Messages between the lock-step driver and a thread of the leaked-transaction scenario (leaked-transaction-thread.worker.ts). */
import type { DbUtilsPolicy } from './db-utils.js';
import type { Call, CallKind } from './thread-program.js';

export interface LeakedThreadData {
  readonly index: number;
  /** The run's database file; the thread opens its own connection to it and keeps it. */
  readonly file: string;
  readonly program: readonly Call[];
  readonly policy: DbUtilsPolicy;
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  /** 0: SQLite would not wait at all. Otherwise its size does not matter here (the schedule says when it ends). */
  readonly busyTimeoutMs: number;
  /** One Int32 control word per thread: the driver sets it to 1 to let that thread take one step. */
  readonly control: SharedArrayBuffer;
}

export interface ThreadRecord {
  readonly action: string;
  readonly outcome: string;
}

export interface ThreadCallRecord {
  readonly call: CallKind;
  readonly result: 'ok' | 'failed' | 'swallowed';
  readonly error: string | null;
}

/** Where the thread stands when it reports (at its next gate, or at its end). */
export interface LeakedThreadState {
  readonly status: 'running' | 'waiting' | 'sleeping';
  readonly inCall: boolean;
  readonly inTransaction: boolean;
  readonly holdsWriteLock: boolean;
  readonly calls: readonly ThreadCallRecord[];
}

export type LeakedThreadMessage =
  | { readonly kind: 'parked'; readonly records: readonly ThreadRecord[]; readonly state: LeakedThreadState }
  | { readonly kind: 'done'; readonly records: readonly ThreadRecord[]; readonly state: LeakedThreadState }
  | { readonly kind: 'failed'; readonly records: readonly ThreadRecord[]; readonly state: LeakedThreadState | null; readonly error: string };
