/**
 * Messages between the parent (the lock-step engine, the race harness) and a stale-lock child process
 * (stale-lock.child.ts), over the IPC channel of child_process.fork.
 */
import type { LockStep, StaleLockVariant } from './pid-lock-file.js';

export type Belief = 'trying' | 'holding' | 'released' | 'gave-up';

export interface LockSettings {
  readonly variant: StaleLockVariant;
  readonly maxTries: number;
}

export type ParentMessage =
  /** Lock-step: run the contender program on `lockPath`, parking before every step until 'go'. */
  | { readonly type: 'lock-step'; readonly lockPath: string; readonly settings: LockSettings }
  | { readonly type: 'go' }
  /** Free running: no gates; start at the instant `startAtNs` of the monotonic clock (process.hrtime.bigint(), which is CLOCK_MONOTONIC: one clock for every process on the machine), as a decimal string. */
  | { readonly type: 'race'; readonly lockPath: string; readonly settings: LockSettings; readonly backoffMs: number; readonly jitterUs: number; readonly startAtNs: string }
  /** Free running: the critical section is over, release the lock. */
  | { readonly type: 'release' }
  /** Crashed holder: take the lock in every one of these paths, report, and wait to be killed. */
  | { readonly type: 'hold'; readonly lockPaths: readonly string[]; readonly settings: LockSettings };

export type ChildMessage =
  | { readonly type: 'ready'; readonly pid: number }
  /** Lock-step: parked at a gate; `steps` are the steps taken since the last message. */
  | { readonly type: 'parked'; readonly steps: readonly LockStep[]; readonly belief: Belief }
  /** The program ended (lock-step or race); the process is ready for another. */
  | { readonly type: 'finished'; readonly steps: readonly LockStep[]; readonly belief: Belief }
  /** Race: acquire returned (`held`), the process now waits for 'release' if it holds. */
  | { readonly type: 'acquired'; readonly steps: readonly LockStep[]; readonly held: boolean; readonly startedNs: string }
  | { readonly type: 'holding-all'; readonly pid: number }
  | { readonly type: 'failed'; readonly message: string };
