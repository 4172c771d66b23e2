/**
 * What the lifecycle scenario (seed 000, VoxLogicA-2) lets a property see, on either engine: each worker's and
 * waiter's state and what it got, who executed the operation, and the operation's row in the database. The
 * notifier is not listed: it returns nothing to anybody, it only fires callbacks.
 */
export type LifecycleRole = 'worker' | 'waiter' | 'late-worker';

/**
 * `running`: has not returned yet (waiting included); `done`: returned the operation's result; `timed-out`:
 * wait_for_completion gave up after its timeout; `not-found`: told the operation completed but the result was
 * missing; `crashed`: died after its claim (the fault); `failed`: raised "Operation failed" because the row reads
 * failed; `refused`: raised at once because the row reads running (2451df0's wait); `stale-cleaned`: found the
 * operation completed without a result, deleted its row and raised (2451df0's wait).
 */
export type LifecycleActorStatus = 'running' | 'done' | 'timed-out' | 'not-found' | 'crashed' | 'failed' | 'refused' | 'stale-cleaned';

export interface LifecycleActorView {
  readonly name: string;
  readonly role: LifecycleRole;
  readonly status: LifecycleActorStatus;
}

export interface LifecycleObservation {
  readonly actors: readonly LifecycleActorView[];
  /** The actors that ran the operation's computation, in order. */
  readonly executions: readonly string[];
  /** The operation's execution_state status, or 'none' when it has no row. */
  readonly status: 'none' | 'running' | 'completed' | 'failed';
  /** Whether the results table holds the operation's result. */
  readonly resultStored: boolean;
}

export const workerName = (index: number): string => `worker-${index}`;
export const NOTIFIER = 'notifier';
export const LATE_WAITER = 'late-waiter';
/** The late waiters' names: `late-waiter` when there is one, `late-waiter-0` .. when there are more. */
export const lateWaiterName = (index: number, count: number): string => (count === 1 ? LATE_WAITER : `${LATE_WAITER}-${index}`);
export const LATE_WORKER = 'late-worker';
/** The late workers' names: `late-worker` when there is one, `late-worker-0` .. when there are more. */
export const lateWorkerName = (index: number, count: number): string => (count === 1 ? LATE_WORKER : `${LATE_WORKER}-${index}`);
/** Whoever claimed the operation before the run began (the start `stale-completion`). */
export const EARLIER_RUN = 'an earlier run';
/** The one operation every actor asks for. */
export const OPERATION_ID = 'op-51c0b8dd';
