/**
 * What the retry scenario lets a property see, on either engine: each worker's state, whether its increment
 * committed, the most attempts it made of one retried unit (a transaction, or a statement), and the committed
 * value of the counter.
 */
export type RetryWorkerStatus = 'running' | 'waiting' | 'sleeping' | 'done' | 'failed';

export interface RetryWorkerView {
  readonly name: string;
  readonly status: RetryWorkerStatus;
  /** Its COMMIT succeeded: the increment is the database's. */
  readonly committed: boolean;
  /** The most attempts the worker started of one retried unit (1 when nothing was retried). */
  readonly attempts: number;
  /** The error code it gave up with (failed only). */
  readonly error: string | null;
}

export interface RetryObservation {
  readonly workers: readonly RetryWorkerView[];
  /** The committed value of the counter row. */
  readonly counter: number;
  /** The retry decorator's stated budget. */
  readonly maxAttempts: number;
}

export const workerName = (index: number): string => `worker-${index}`;
export const COUNTER_KEY = 'counter';
