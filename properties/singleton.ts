/**
 * Properties of the shared-client getter (seed 004, luca-nrw-scraper). Known bad variants: singleton/unguarded
 * violates one-client-created (two tasks both find the slot empty across the await of the creation, and each
 * creates a client; the one overwritten leaks its connection pool), and so does sync-unguarded on threads;
 * sync-asyncio-lock on threads violates no-getter-raises (the asyncio lock, bound to the loop of the first
 * thread that waited on it, raises RuntimeError in a thread with another loop).
 */
import type { SingletonObservation } from '../spec/singleton/singleton.observation.js';
import type { Property } from './property.js';

/** Safety. The process creates at most one client. */
export const oneClientCreated: Property<SingletonObservation> = {
  name: 'one-client-created',
  kind: 'safety',
  claim: 'At every moment, at most one client has been created.',
  check(observation) {
    const [first, second] = observation.created;
    if (first === undefined || second === undefined) return null;
    return `${first.by} created ${first.client} and ${second.by} created ${second.client}: ${observation.created.length} clients, one connection pool leaks`;
  },
};

/** Safety. Asking for the client never fails. */
export const noGetterRaises: Property<SingletonObservation> = {
  name: 'no-getter-raises',
  kind: 'safety',
  claim: 'At every moment, no call of the getter has raised.',
  check(observation) {
    const failed = observation.tasks.find((t) => t.status === 'failed');
    return failed === undefined ? null : `${failed.name}'s get_client() raised ${failed.error ?? 'an error'}`;
  },
};

/** Outcome. Every task got the client that the shared slot holds. */
export const everyTaskSameClient: Property<SingletonObservation> = {
  name: 'every-task-same-client',
  kind: 'outcome',
  claim: 'When the run ends, every task got the one client the shared slot holds.',
  check(observation) {
    const odd = observation.tasks.filter((t) => t.client !== observation.shared);
    if (odd.length === 0) return null;
    return odd.map((t) => `${t.name} got ${t.client ?? 'nothing'} but the slot holds ${observation.shared ?? 'nothing'}`).join('; ');
  },
};

export const SINGLETON_PROPERTIES = [oneClientCreated, noGetterRaises, everyTaskSameClient] as const;
