/**
 * What the stale-lock scenario lets a property see, on either engine: what each contender believes (is it
 * holding the lock now, did it hold it and let go, did it give up) and what the lock file says (whose pid it
 * holds, empty while its creator has not written yet, or absent).
 */
export type ContenderStatus = 'trying' | 'holding' | 'released' | 'gave-up';

export interface ContenderView {
  readonly name: string;
  readonly status: ContenderStatus;
}

export interface StaleLockObservation {
  readonly contenders: readonly ContenderView[];
  /** The lock file at its path: the name of the process whose pid it holds, 'empty', or null when absent. */
  readonly lockFile: string | null;
}

/** The process that took the lock and was killed before the run: its pid is in the lock file, and dead. */
export const CRASHED = 'crashed';
export const contenderName = (index: number): string => `worker-${index}`;
