/**
 * What the main thread and the barrier workers share: the layout of the SharedArrayBuffer that carries the two
 * barriers and the counters, the data each worker starts with, and the messages it sends back.
 * Imported by both sides; node built-ins only.
 */

export type BarrierMode = 'deferred' | 'immediate';
export type BarrierJournal = 'delete' | 'wal';

/** A SQL step of the ticket acquisition, in the order the worker runs them. */
export type BarrierSqlStep = 'begin' | 'select' | 'update' | 'commit';

/** One timed step of one worker: a SQL statement, or `hold` (waiting at the read barrier, no SQL). */
export interface BarrierStepTiming {
  readonly step: BarrierSqlStep | 'rollback' | 'hold';
  /** Wall time the step took, in milliseconds (monotonic clock). */
  readonly ms: number;
  /** The extended result code if the statement failed (`SQLITE_BUSY`, `SQLITE_BUSY_SNAPSHOT`, ...). */
  readonly code?: string;
  /** For `hold`: whether every worker had read (`complete`) or the hold expired first (`timed out`). */
  readonly hold?: 'complete' | 'timed out';
}

/** Slots of the Int32Array view over the shared buffer. */
export const SLOT = {
  /** Workers that reached the start barrier (connection open, statements prepared, warmed up). */
  arrived: 0,
  /** The start gate: 0 closed, 1 open. Opened by the main thread with Atomics.notify. */
  gate: 1,
  /** Workers that reached the read barrier (read, or failed before reading). */
  readArrived: 2,
  /** The read gate: 0 closed, 1 open. Opened by the last arrival at the read barrier. */
  readGate: 3,
  /**
   * Workers counted as holding a read transaction: from just after a successful SELECT to just before COMMIT
   * (or just after the failing statement). The counted interval lies inside the real read transaction, so the
   * peak is a lower bound on how many read transactions overlapped.
   */
  readers: 4,
  /** The most workers that held a read transaction at the same moment. */
  peakReaders: 5,
  /** Workers whose SELECT succeeded. */
  readsDone: 6,
  /** `readsDone` when the first worker attempted its UPDATE; -1 until then. */
  readsBeforeFirstWrite: 7,
} as const;

export const INT32_SLOTS = 8;
/** Byte offset of the BigInt64 slot holding the release instant (process.hrtime.bigint(), nanoseconds). */
export const RELEASE_AT_BYTE_OFFSET = INT32_SLOTS * Int32Array.BYTES_PER_ELEMENT;
export const SHARED_BYTES = RELEASE_AT_BYTE_OFFSET + BigInt64Array.BYTES_PER_ELEMENT;

export interface BarrierWorkerData {
  readonly shared: SharedArrayBuffer;
  readonly index: number;
  readonly workers: number;
  readonly file: string;
  readonly ticket: string;
  readonly mode: BarrierMode;
  readonly busyTimeoutMs: number;
  readonly holdAfterRead: boolean;
  readonly holdMs: number;
}

/** What a worker reports once it has finished (its connection is closed by then). */
export interface BarrierWorkerReport {
  readonly acquired: boolean;
  /** Extended result code of the failure (`SQLITE_BUSY`, ...), or `ERROR` for a non-SQLite exception. */
  readonly code: string | null;
  readonly message: string | null;
  readonly failedAt: BarrierSqlStep | null;
  /** Who held the ticket, when the SELECT found it taken (not an error: the worker commits and gives up). */
  readonly heldBy: string | null;
  /** From the release of the start barrier to the result (COMMIT done, or the failure). */
  readonly elapsedMs: number;
  /** How long the failing statement itself took. */
  readonly statementMs: number | null;
  readonly steps: readonly BarrierStepTiming[];
}

export type BarrierWorkerMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'report'; readonly report: BarrierWorkerReport };
