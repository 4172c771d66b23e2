/**
 * Properties of how workers get their connections (seeds 003 and 004). Known bad variants: pool/shared-connection
 * violates no-connection-shared (two workers' statements interleave inside one connection's transaction);
 * pool/bounded-pool-deferred violates no-busy-escapes (a pool limits connections, it does not serialise
 * writers: two pooled connections still race to upgrade their DEFERRED read transactions).
 */
import type { PoolObservation } from '../spec/pool/pool.observation.js';
import type { Property } from './property.js';

/** Safety. No connection is in use by two workers at once. */
export const noConnectionShared: Property<PoolObservation> = {
  name: 'no-connection-shared',
  kind: 'safety',
  claim: 'At every moment, each connection is used by at most one worker.',
  check(observation) {
    for (const [conn, users] of observation.users.entries()) {
      if (users.length >= 2) return `connection-${conn} is used by ${users.map((u) => observation.workers[u]?.name ?? `worker-${u}`).join(' and ')} at once`;
    }
    return null;
  },
};

/** Outcome. No "database is locked" (SQLITE_BUSY or an extended code) reached a caller within the busy timeout. */
export const noBusyEscapes: Property<PoolObservation> = {
  name: 'no-busy-escapes',
  kind: 'outcome',
  claim: 'When the run ends, no worker failed with "database is locked".',
  check(observation) {
    const locked = observation.workers.filter((w) => w.status === 'failed' && (w.error ?? '').startsWith('SQLITE_BUSY'));
    return locked.length === 0 ? null : locked.map((w) => `${w.name} failed: ${w.error ?? ''}`).join('; ');
  },
};

/** Outcome. Every worker's increment committed, and the counter shows all of them. */
export const everyIncrementCommitted: Property<PoolObservation> = {
  name: 'every-increment-committed',
  kind: 'outcome',
  claim: "When the run ends, every worker's increment has committed and the counter equals the number of workers.",
  check(observation) {
    const missing = observation.workers.filter((w) => !w.committed);
    if (missing.length > 0) return missing.map((w) => `${w.name} ${w.status === 'failed' ? `failed: ${w.error ?? 'unknown'}` : `is still ${w.status}`}`).join('; ');
    if (observation.counter !== observation.workers.length) return `the counter is ${observation.counter}, not ${observation.workers.length}`;
    return null;
  },
};

export const POOL_PROPERTIES = [noConnectionShared, noBusyEscapes, everyIncrementCommitted] as const;
