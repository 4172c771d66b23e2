/**
 * What the pool scenario lets a property see, on either engine: each worker's state, and for each connection
 * the workers using it now. A worker uses a connection from the moment it issues the first statement of its
 * unit of work on it (its BEGIN) until that unit has ended (committed, rolled back, or failed).
 */
export type PoolWorkerStatus = 'running' | 'waiting' | 'done' | 'failed';

export interface PoolWorkerView {
  readonly name: string;
  readonly status: PoolWorkerStatus;
  readonly committed: boolean;
  /** The error code the caller got (failed only). */
  readonly error: string | null;
}

export interface PoolObservation {
  readonly workers: readonly PoolWorkerView[];
  /** Per connection, the indices of the workers using it now, ascending. */
  readonly users: readonly (readonly number[])[];
  /** The committed value of the counter row. */
  readonly counter: number;
}

export const workerName = (index: number): string => `worker-${index}`;
export const connectionName = (index: number): string => `connection-${index}`;
