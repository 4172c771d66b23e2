/** Messages between the lock-step driver and a getter thread (client-getter-thread.worker.ts). */
import type { ThreadGetterLock } from './client-getter-thread.js';

export interface GetterThreadData {
  readonly index: number;
  readonly callers: number;
  readonly lock: ThreadGetterLock;
  /** One Int32 control word per thread: the driver sets it to 1 to let that thread take one step. */
  readonly control: SharedArrayBuffer;
  /** The SharedClientSlot's buffer. */
  readonly slot: SharedArrayBuffer;
}

export interface GetterThreadRecord {
  readonly action: string;
  readonly outcome: string;
}

export type GetterThreadMessage =
  | { readonly kind: 'parked'; readonly records: readonly GetterThreadRecord[]; readonly waiting: boolean }
  | { readonly kind: 'done'; readonly records: readonly GetterThreadRecord[]; readonly client: number }
  /** The getter raised (the asyncio lock's RuntimeError): an outcome of the code, not a failure of the driver. */
  | { readonly kind: 'raised'; readonly records: readonly GetterThreadRecord[]; readonly error: string }
  | { readonly kind: 'failed'; readonly records: readonly GetterThreadRecord[]; readonly error: string };
