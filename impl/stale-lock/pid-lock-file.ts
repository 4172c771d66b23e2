/**
 * A pid lock file with stale-lock recovery, as the bolt post-mortem (seed 003) describes it: "file-based
 * locking with stale lock cleanup ... detects and cleans up stale locks from dead processes". The lock is a
 * file created exclusively (O_CREAT|O_EXCL) that holds the owner's pid and a random token; a contender that
 * finds it asks the kernel whether that pid lives (kill(pid, 0)) and, if not, breaks the stale lock.
 *
 * Two ways to break it (the `variant`):
 * - `check-then-remove`, the obvious code: unlink the lock, then try to create it again. Between the check
 *   (the read of a dead pid) and the unlink, another contender may already have broken the same stale lock
 *   and created its own file at the same path; the unlink then removes a live lock, and both believe they
 *   hold it.
 * - `tombstone`, the fix: before unlinking, create `<lock>.broken-<pid>-<token>` exclusively. The tombstone
 *   names the one stale file that was read (pid and token are unique to one acquisition), so exactly one
 *   contender wins the right to unlink it; everybody else who read the same dead owner, however late, loses
 *   and tries again. Tombstones are never removed while the lock is in use (removing one would let a late
 *   contender win it again); they are small and unique, and a sweep may delete those whose lock file is gone
 *   for good.
 *
 * Seams: `gate()` is awaited before every file-system step (under the lock-step driver it parks the process
 * until the schedule picks it; in production it resolves at once); `sleep(ms)` is the backoff between tries
 * (a real timer in production, nothing under the driver); `isAlive(pid)` is kill(pid, 0). Every step taken is
 * appended to `steps` for the harness to report.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';

export type StaleLockVariant = 'check-then-remove' | 'tombstone';

/** What one step saw. */
export type LockStepBody =
  | { readonly op: 'create'; readonly result: 'created' | 'EEXIST' }
  | { readonly op: 'write'; readonly result: 'written' }
  | { readonly op: 'read'; readonly result: ReadResult }
  | { readonly op: 'mark'; readonly stalePid: number; readonly result: 'created' | 'EEXIST' }
  | { readonly op: 'remove'; readonly result: 'ok' | 'ENOENT' }
  | { readonly op: 'release'; readonly result: 'ok' | 'ENOENT' };

/** A step as recorded: `givesUp` when the contender stopped trying after it; `atNs` when a clock was given. */
export type LockStep = LockStepBody & { givesUp?: boolean; readonly atNs?: string };

export type ReadResult =
  | { readonly kind: 'pid'; readonly pid: number; readonly alive: boolean }
  /** Created but not written yet (its creator is between open and write), or not a lock we understand. */
  | { readonly kind: 'empty' }
  | { readonly kind: 'ENOENT' };

export interface PidLockOptions {
  readonly variant: StaleLockVariant;
  /** Creates to try before giving up. */
  readonly maxTries: number;
  /** Backoff before try n+1 is backoffMs * 2^(n-1). */
  readonly backoffMs: number;
  readonly gate: () => Promise<void>;
  readonly sleep: (ms: number) => Promise<void>;
  /**
   * Called between seeing a dead owner and acting on it (nothing by default): it stands for the process
   * being descheduled right there, which a loaded machine does at random. Only the race harness sets it, to
   * widen the window on purpose; under the lock-step driver there is none (the schedule covers every wait).
   */
  readonly pauseAfterCheck?: () => Promise<void>;
  readonly pid?: number;
  /** Stamps each step as it completes (the race harness passes the monotonic clock, in ns); none by default. */
  readonly clock?: () => bigint;
  readonly isAlive?: (pid: number) => boolean;
}

/** kill(pid, 0): ESRCH means no such process; EPERM means it exists but is not ours (alive). */
export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

const codeOf = (error: unknown): string | undefined => (error as NodeJS.ErrnoException | null)?.code;

const CONTENT = /^(\d+) ([0-9a-f]+)\n$/;

export class PidLockFile {
  readonly steps: LockStep[] = [];
  private readonly pid: number;
  private readonly token = randomBytes(8).toString('hex');
  private readonly isAlive: (pid: number) => boolean;

  constructor(
    readonly path: string,
    private readonly options: PidLockOptions,
  ) {
    if (!Number.isInteger(options.maxTries) || options.maxTries < 1) throw new RangeError(`maxTries must be a positive integer, got ${String(options.maxTries)}`);
    this.pid = options.pid ?? process.pid;
    this.isAlive = options.isAlive ?? processIsAlive;
  }

  /** Tries to take the lock; true when this process now holds it, false when it gave up. */
  async acquire(): Promise<boolean> {
    const { gate, maxTries, backoffMs, sleep } = this.options;
    for (let tries = 1; ; tries++) {
      await gate();
      let fd: number | null = null;
      try {
        fd = openSync(this.path, 'wx');
      } catch (error) {
        if (codeOf(error) !== 'EEXIST') throw error;
      }
      if (fd !== null) {
        this.record({ op: 'create', result: 'created' });
        await gate();
        try {
          writeSync(fd, `${this.pid} ${this.token}\n`);
        } finally {
          closeSync(fd);
        }
        this.record({ op: 'write', result: 'written' });
        return true;
      }
      this.record({ op: 'create', result: 'EEXIST' });
      const next = await this.breakIfStale();
      if (tries >= maxTries) {
        this.steps[this.steps.length - 1]!.givesUp = true;
        return false;
      }
      if (next === 'back-off') await sleep(backoffMs * 2 ** (tries - 1));
    }
  }

  private record(step: LockStepBody): void {
    const clock = this.options.clock;
    this.steps.push(clock === undefined ? step : { ...step, atNs: String(clock()) });
  }

  /** Lets go of the lock: unlinks the lock file (a file already gone is not an error). */
  async release(): Promise<void> {
    await this.options.gate();
    this.record({ op: 'release', result: this.unlinkLock() });
  }

  /**
   * Reads the lock; if its owner is dead, breaks it the variant's way. Then says how to go on: at once when
   * the lock is gone (broken here, or it vanished), after a backoff when someone else has it or is breaking it.
   */
  private async breakIfStale(): Promise<'retry' | 'back-off'> {
    await this.options.gate();
    const seen = this.readLock();
    this.record({ op: 'read', result: seen.result });
    switch (seen.result.kind) {
      case 'ENOENT':
        return 'retry';
      case 'empty':
        return 'back-off';
      case 'pid':
        if (seen.result.alive) return 'back-off';
        break;
    }
    await this.options.pauseAfterCheck?.();
    switch (this.options.variant) {
      case 'check-then-remove':
        break;
      case 'tombstone': {
        await this.options.gate();
        const won = this.createTombstone(`${this.path}.broken-${seen.result.pid}-${seen.token}`);
        this.record({ op: 'mark', stalePid: seen.result.pid, result: won ? 'created' : 'EEXIST' });
        if (!won) return 'back-off';
        break;
      }
      default:
        return assertNever(this.options.variant);
    }
    await this.options.gate();
    this.record({ op: 'remove', result: this.unlinkLock() });
    return 'retry';
  }

  private readLock(): { result: ReadResult; token: string } {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      if (codeOf(error) === 'ENOENT') return { result: { kind: 'ENOENT' }, token: '' };
      throw error;
    }
    const match = CONTENT.exec(text);
    if (match === null) return { result: { kind: 'empty' }, token: '' };
    const pid = Number(match[1]);
    return { result: { kind: 'pid', pid, alive: this.isAlive(pid) }, token: match[2]! };
  }

  private createTombstone(path: string): boolean {
    try {
      closeSync(openSync(path, 'wx'));
      return true;
    } catch (error) {
      if (codeOf(error) === 'EEXIST') return false;
      throw error;
    }
  }

  private unlinkLock(): 'ok' | 'ENOENT' {
    try {
      unlinkSync(this.path);
      return 'ok';
    } catch (error) {
      if (codeOf(error) === 'ENOENT') return 'ENOENT';
      throw error;
    }
  }
}

function assertNever(value: never): never {
  throw new Error(`unexpected variant ${String(value)}`);
}
