/**
 * What the writer-gap scenario (seed 001, VoxLogicA-2) lets a property see, on either engine: every caller of
 * the storage backend (the workers that try to execute the operation, and the late reader), the committed
 * state of the operation in SQLite, whether a copy of its result sits in the memory cache or in the write
 * queue, and what a restarted process finds.
 */

/**
 * running: has a step to take; waiting: inside wait_for_completion, not yet back from the wait (registered its
 * callback and its event is not yet set or it has not yet returned; or, polling, saw the status not completed);
 * done; failed.
 */
export type CallerStatus = 'running' | 'waiting' | 'done' | 'failed';

/** The error a caller fails with when the operation is completed but neither memory nor SQLite has the result. */
export type ResultNotFound = 'result-not-found';
export const RESULT_NOT_FOUND: ResultNotFound = 'result-not-found';

/**
 * The errors 2451df0's wait raises (the variant persisted): `refused` (the row reads running: "may produce
 * non-persistable result"), `failed` (the row reads failed), `stale-cleaned` (completed without a result: the row
 * was deleted "for retry"), and of its goal, `missing` ("Missing computed result for goal operation").
 */
export type CallerError = ResultNotFound | 'refused' | 'failed' | 'stale-cleaned' | 'missing';

export interface CallerView {
  readonly name: string;
  readonly status: CallerStatus;
  /** Whether this caller won the claim and ran the computation. */
  readonly executed: boolean;
  /** The error it failed with, or null. */
  readonly error: CallerError | null;
}

/** execution_state.status of the operation; 'none' while nobody has claimed it. */
export type OperationStatus = 'none' | 'running' | 'completed' | 'failed';

export interface RestartView {
  /** The operation's status as the restarted process reads it. */
  readonly status: OperationStatus;
  /** Whether the restarted process finds the result row (its memory cache starts empty). */
  readonly resultRow: boolean;
  /** Whether every caller had returned and the writer had drained its queue when the process went (false: a crash). */
  readonly afterRun: boolean;
}

export interface WriterGapObservation {
  readonly callers: readonly CallerView[];
  readonly status: OperationStatus;
  /** Whether the results table holds the operation's row (committed). */
  readonly resultRow: boolean;
  /** Whether the memory cache holds a copy of the result. */
  readonly inMemory: boolean;
  /** Results waiting in the background writer's queue. */
  readonly queued: number;
  /** What the restart found, once it has happened; null before. */
  readonly restart: RestartView | null;
}

export const workerName = (index: number): string => `worker-${index}`;
export const WRITER = 'writer';
export const READER = 'reader';
export const RESTART = 'restart';
/** The notification thread. It returns nothing to anybody, so the observation does not list it. */
export const NOTIFIER = 'notifier';
