/**
 * The retry decorator of seeds 003 and 004 ("retry with exponential backoff"), in TypeScript: run an operation,
 * and when it fails with "database is locked" (SQLITE_BUSY or one of its extended codes), sleep and run it
 * again, up to a budget of attempts; the delay doubles each time and carries a jitter of up to one base delay.
 *
 * Time and randomness are injected: `clock.sleep` is a real timer in production and a step of the virtual
 * clock under the lock-step driver; `random` is Math.random in production and a seeded stream
 * (seeded-random.ts) under the driver, so that a run is a function of its schedule and seed.
 */
import Database from 'better-sqlite3';

export interface Clock {
  sleep(ms: number): Promise<void>;
}

/** Production: a real timer. */
export const systemClock: Clock = {
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface RetryOptions {
  /** Attempts in all, the first included (>= 1). */
  readonly maxAttempts: number;
  /** The first delay in milliseconds; the n-th retry waits baseDelayMs * 2^(n-1) plus jitter. */
  readonly baseDelayMs: number;
  readonly clock: Clock;
  /** A draw in [0, 1); one per retry. */
  readonly random: () => number;
  /** Told the number of each attempt as it starts (for metrics and for the lock-step observation). */
  readonly onAttempt?: (attempt: number) => void;
}

/** "database is locked": SQLITE_BUSY and its extended codes (SQLITE_BUSY_SNAPSHOT, ...). */
export function isDatabaseLocked(error: unknown): boolean {
  return error instanceof Database.SqliteError && (error.code === 'SQLITE_BUSY' || error.code.startsWith('SQLITE_BUSY_'));
}

/** Milliseconds to sleep after failed attempt `attempt` (1-based), given a jitter draw in [0, 1). */
export function backoffDelayMs(baseMs: number, attempt: number, draw: number): number {
  return baseMs * 2 ** (attempt - 1) + Math.floor(draw * baseMs);
}

/** Runs `operation` until it succeeds, fails with another error, or the budget is spent (the last error is thrown). */
export async function withRetry<T>(operation: () => Promise<T>, options: RetryOptions): Promise<T> {
  if (!Number.isInteger(options.maxAttempts) || options.maxAttempts < 1) throw new RangeError(`maxAttempts must be a positive integer, got ${String(options.maxAttempts)}`);
  for (let attempt = 1; ; attempt++) {
    options.onAttempt?.(attempt);
    try {
      return await operation();
    } catch (error) {
      if (attempt >= options.maxAttempts || !isDatabaseLocked(error)) throw error;
      await options.clock.sleep(backoffDelayMs(options.baseDelayMs, attempt, options.random()));
    }
  }
}

/** The decorator form: `retrying(options)(fn)` is `fn` with retries. */
export function retrying(options: RetryOptions) {
  return <A extends unknown[], T>(fn: (...args: A) => Promise<T>) =>
    (...args: A): Promise<T> =>
      withRetry(() => fn(...args), options);
}
