import type { RealLockScript, RealStepOutcome } from './lock-script.js';
import { withFreshConnections } from './fresh-connections.js';
import { connectionOf } from './run-lock-script.js';

/**
 * Default busy timeout T for {@link measureWouldWait}, in ms; a busy step counts as waited when it took at
 * least T/2. A step whose busy handler ran takes at least T: SQLite sleeps 1, 2, 5, 10, 15, 20, 25 ... ms and
 * trims the last sleep to end at T (this build sleeps in milliseconds: T = 20 gives 20.5 ms, see
 * OBSERVATIONS.md), and a sleep is never shorter than asked. A step that fails at once takes about 0.02 ms,
 * but on this shared 2-core machine one in ~20,000 such steps stalled for up to 37 ms (GC, descheduling).
 * With T = 200 the cut (100 ms) is ~3x the worst stall seen and half of the shortest possible wait; each
 * waited step costs T, which only matters to callers that time many busy steps.
 */
export const DEFAULT_WAIT_TIMEOUT_MS = 200;

export interface MeasureWouldWaitOptions {
  /** Busy timeout T in ms (better-sqlite3 `timeout`). Default {@link DEFAULT_WAIT_TIMEOUT_MS}. */
  readonly timeoutMs?: number;
}

/** One step of a timed run: the outcome (as with timeout 0), how long the statement took, and for a busy one whether it waited. */
export interface TimedStepOutcome {
  readonly outcome: RealStepOutcome;
  readonly elapsedMs: number;
  /** Present on a busy / busy_snapshot outcome: elapsedMs >= T/2, i.e. SQLite's busy handler slept. */
  readonly waited?: boolean;
}

/**
 * Runs `script` like runLockScript but with busy timeout T and times every statement with
 * process.hrtime.bigint(). In one thread nobody can release a lock while a statement waits, so every outcome
 * is the one the timeout-0 run gives; only the time differs, and it tells whether the busy handler was invoked.
 */
export function measureWouldWait(script: RealLockScript, options: MeasureWouldWaitOptions = {}): TimedStepOutcome[] {
  const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 2) {
    throw new RangeError(`measureWouldWait: timeoutMs must be an integer >= 2, got ${String(timeoutMs)}`);
  }
  return withFreshConnections(script, { busyTimeoutMs: timeoutMs }, (connections) =>
    script.steps.map((step, index) => {
      const connection = connectionOf(script, connections, index);
      const start = process.hrtime.bigint();
      const outcome = connection.step(step);
      const elapsedMs = Number(process.hrtime.bigint() - start) / 1e6;
      if (outcome.status !== 'busy' && outcome.status !== 'busy_snapshot') return { outcome, elapsedMs };
      return { outcome, elapsedMs, waited: elapsedMs >= timeoutMs / 2 };
    }),
  );
}

/** The outcomes of a timed run in the lock-script format, with `wouldWait` on each busy one. */
export function withWouldWait(timed: readonly TimedStepOutcome[]): RealStepOutcome[] {
  return timed.map(({ outcome, waited }) => (waited === undefined ? outcome : { ...outcome, wouldWait: waited }));
}
