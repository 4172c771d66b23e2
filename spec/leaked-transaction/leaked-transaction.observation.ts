/**
 * What the leaked-transaction scenario lets a property see, on either engine: per thread, whether it is inside
 * one of its calls, what its connection holds (a transaction, the WAL write lock), and how each finished call
 * ended; and the committed counters.
 */
import type { CallKind } from './thread-program.js';

export type LeakedThreadStatus = 'running' | 'waiting' | 'sleeping' | 'done';

/**
 * How a call ended, as its caller sees it: `ok`; `failed` (the error reached the caller, which logs it and
 * goes on); `swallowed` (an `except Exception: pass` inside the call ate the error, so the caller sees success).
 */
export type CallResult = 'ok' | 'failed' | 'swallowed';

export interface CallRecord {
  readonly call: CallKind;
  readonly result: CallResult;
  /** The code of the error that failed or was swallowed ('injected' for the injected fault), else null. */
  readonly error: string | null;
}

export interface LeakedThreadView {
  readonly name: string;
  readonly status: LeakedThreadStatus;
  /** Between the first step of a call and its end (a thread at the first step of its next call is between calls). */
  readonly inCall: boolean;
  /** Its connection has a transaction open. */
  readonly inTransaction: boolean;
  /** Its connection holds the WAL write lock. */
  readonly holdsWriteLock: boolean;
  /** Every call that has ended, in order. */
  readonly calls: readonly CallRecord[];
}

export interface LeakedObservation {
  readonly threads: readonly LeakedThreadView[];
  /** Committed counters: times_used of the dork row, success_count of the pattern row, runs of the batch job. */
  readonly committed: { readonly timesUsed: number; readonly successCount: number; readonly batchRuns: number };
}

export const threadName = (index: number): string => `thread-${index}`;
