/** Messages between the lock-step driver and a penalty worker thread (penalty-thread.worker.ts). */
export interface PenaltyThreadData {
  readonly index: number;
  readonly host: number;
  readonly hosts: number;
  readonly guard: 'unguarded' | 'locked';
  /** `awaited`: lockstep's read, report, write; `sync`: upstream's read and write with nothing between. */
  readonly body: 'awaited' | 'sync';
  /** One Int32 control word per thread: the driver sets it to 1 to let that thread take one step. */
  readonly control: SharedArrayBuffer;
  /** The SharedHostTable's buffer. */
  readonly table: SharedArrayBuffer;
}

export interface ThreadRecord {
  readonly action: string;
  readonly outcome: string;
}

export type PenaltyThreadMessage =
  | { readonly kind: 'parked'; readonly records: readonly ThreadRecord[]; readonly waiting: boolean }
  | { readonly kind: 'done'; readonly records: readonly ThreadRecord[] }
  | { readonly kind: 'failed'; readonly records: readonly ThreadRecord[]; readonly error: string };
