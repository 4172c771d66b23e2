/** Messages between the lock-step driver and a pool worker thread (pool-thread.worker.ts). */
export interface PoolThreadData {
  readonly index: number;
  /** The run's database file; the thread opens its own connection(s) to it. */
  readonly file: string;
  readonly journal: 'delete' | 'wal';
  readonly mode: 'deferred' | 'immediate';
  /** `shared` has no thread form: a better-sqlite3 connection cannot be used from two threads. */
  readonly scheme: 'thread-local' | 'pool';
  readonly poolSize: number;
  readonly busyTimeoutMs: number;
  /** One Int32 control word per thread: the driver sets it to 1 to let that thread take one step. */
  readonly control: SharedArrayBuffer;
  /** The pool's slots, one Int32 each (0 idle, 1 checked out), shared by every thread of the run. */
  readonly slots: SharedArrayBuffer;
}

export interface PoolThreadRecord {
  readonly action: string;
  readonly outcome: string;
}

/** Where the thread stands when it reports: the connection it holds and whether it is inside a unit of work. */
export interface PoolThreadState {
  readonly leased: number | null;
  readonly using: boolean;
  readonly waiting: boolean;
}

export type PoolThreadMessage =
  | { readonly kind: 'parked'; readonly records: readonly PoolThreadRecord[]; readonly state: PoolThreadState }
  | { readonly kind: 'done'; readonly records: readonly PoolThreadRecord[]; readonly state: PoolThreadState }
  | { readonly kind: 'failed'; readonly records: readonly PoolThreadRecord[]; readonly state: PoolThreadState; readonly error: string };
