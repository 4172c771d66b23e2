/**
 * Properties of a thread's own reused connection in Python's legacy sqlite3 mode (seed 004, luca-nrw-scraper).
 * Known bad variant: leaked-transaction/legacy violates no-write-lock-between-calls (a swallowed error after an
 * UPSERT leaves the write transaction open when the call returns) and, with another holder of the lock,
 * every-thread-recovers (a failed write leaves its transaction open, a read pins a snapshot in it, and every
 * later write of that thread fails with SQLITE_BUSY_SNAPSHOT).
 */
import type { CallRecord, LeakedObservation } from '../spec/leaked-transaction/leaked-transaction.observation.js';
import type { Property } from './property.js';

/** Safety. A call's write transaction ends with the call: nobody keeps the write lock while it does something else. */
export const noWriteLockBetweenCalls: Property<LeakedObservation> = {
  name: 'no-write-lock-between-calls',
  kind: 'safety',
  claim: 'At every moment, a thread holds the write lock only while it is inside one of its calls.',
  check(observation) {
    const leaker = observation.threads.find((t) => t.holdsWriteLock && !t.inCall);
    if (leaker === undefined) return null;
    const last = leaker.calls.at(-1);
    const after = last === undefined ? '' : ` after ${last.call} (${last.result}${last.error === null ? '' : `: ${last.error}`})`;
    return `${leaker.name} holds the write lock between its calls${after}: every other writer now waits out its busy timeout`;
  },
};

const describeCall = (c: CallRecord): string => `${c.call} ${c.result}${c.error === null ? '' : ` (${c.error})`}`;
const isDatabaseCall = (c: CallRecord): boolean => c.call !== 'work';

/** Outcome. A thread whose write failed can write again: its last database call succeeds. */
export const everyThreadRecovers: Property<LeakedObservation> = {
  name: 'every-thread-recovers',
  kind: 'outcome',
  claim: "When the run ends, every thread's last database call succeeded: an earlier failure did not stay with its connection.",
  check(observation) {
    for (const thread of observation.threads) {
      const calls = thread.calls.filter(isDatabaseCall);
      const last = calls.at(-1);
      if (last === undefined || last.result !== 'failed') continue;
      const failed = calls.filter((c) => c.result === 'failed');
      return `${thread.name}'s last call failed: ${failed.length} of its ${calls.length} database calls failed (${calls.map(describeCall).join(', ')})${thread.inTransaction ? ', and its connection is still inside a transaction' : ''}`;
    }
    return null;
  },
};

export const LEAKED_TRANSACTION_PROPERTIES = [noWriteLockBetweenCalls, everyThreadRecovers] as const;
