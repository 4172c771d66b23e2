/**
 * Properties of the interpreter's operation lifecycle (seed 000, VoxLogicA-2). Known bad variants:
 * lifecycle/missing-complete and lifecycle/event-cleanup violate every-waiter-gets-the-result (a waiter
 * times out although the result is stored), and so does the fault crash-after-claim on every variant; the
 * fault stall-after-claim (a claimant that sleeps past the stale-claim threshold) violates
 * at-most-one-executor on every variant.
 */
import type { LifecycleObservation } from '../spec/lifecycle/lifecycle.observation.js';
import type { Property } from './property.js';

/** Safety. The claim deduplicates: the computation runs at most once over the whole run. */
export const atMostOneExecutor: Property<LifecycleObservation> = {
  name: 'at-most-one-executor',
  kind: 'safety',
  claim: 'At every moment, at most one actor has executed the operation.',
  check(observation) {
    if (observation.executions.length <= 1) return null;
    return `the operation was executed ${observation.executions.length} times: by ${observation.executions.join(', ')}`;
  },
};

/** Outcome. Everybody who asked for the operation (and did not die) returns its result. */
export const everyWaiterGetsTheResult: Property<LifecycleObservation> = {
  name: 'every-waiter-gets-the-result',
  kind: 'outcome',
  claim: 'When the run ends, every worker and waiter that did not crash has returned the result.',
  check(observation) {
    const missed = observation.actors.filter((a) => a.status !== 'done' && a.status !== 'crashed');
    if (missed.length === 0) return null;
    const stored = observation.resultStored ? ' although the result is stored' : ' and the result was never stored';
    return `${missed.map((a) => `${a.name} ${a.status}`).join(', ')}${stored} (status ${observation.status})`;
  },
};

export const LIFECYCLE_PROPERTIES = [atMostOneExecutor, everyWaiterGetsTheResult] as const;
