/**
 * Properties of the retry decorator around a read-modify-write transaction (seeds 003 and 004). Known bad
 * variant: retry/retry-statement violates every-update-applied (a statement retried inside the transaction
 * that already read cannot succeed: under WAL its snapshot is stale, in rollback mode it holds SHARED
 * against a committer that waits for it, so it spends its budget and gives up).
 */
import type { RetryObservation } from '../spec/retry/retry.observation.js';
import type { Property } from './property.js';

/** Safety. The counter never loses an increment: it equals the number of workers whose COMMIT succeeded. */
export const noLostUpdate: Property<RetryObservation> = {
  name: 'no-lost-update',
  kind: 'safety',
  claim: 'At every moment, the committed counter equals the number of increments that committed.',
  check(observation) {
    const committed = observation.workers.filter((w) => w.committed).length;
    if (observation.counter === committed) return null;
    return `the counter is ${observation.counter} but ${committed} increment${committed === 1 ? '' : 's'} committed`;
  },
};

/** Safety. No worker starts more attempts of one unit (transaction or statement) than the stated budget. */
export const boundedAttempts: Property<RetryObservation> = {
  name: 'bounded-attempts',
  kind: 'safety',
  claim: 'At every moment, no worker has started more attempts of one unit than the retry budget.',
  check(observation) {
    const over = observation.workers.find((w) => w.attempts > observation.maxAttempts);
    return over === undefined ? null : `${over.name} started ${over.attempts} attempts (budget ${observation.maxAttempts})`;
  },
};

/** Outcome. Every worker's increment was applied: no "database is locked" reached a caller within the budget. */
export const everyUpdateApplied: Property<RetryObservation> = {
  name: 'every-update-applied',
  kind: 'outcome',
  claim: "When the run ends, every worker's increment has committed.",
  check(observation) {
    const missing = observation.workers.filter((w) => !w.committed);
    if (missing.length === 0) return null;
    return missing
      .map((w) => `${w.name} ${w.status === 'failed' ? `gave up after ${w.attempts} attempt${w.attempts === 1 ? '' : 's'}: ${w.error ?? 'unknown'}` : `is still ${w.status}`}`)
      .join('; ');
  },
};

export const RETRY_PROPERTIES = [noLostUpdate, boundedAttempts, everyUpdateApplied] as const;
