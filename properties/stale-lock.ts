/**
 * Properties of a pid lock file with stale-lock recovery (seed 003, bolt). Known bad variant:
 * stale-lock/check-then-remove violates mutual-exclusion (two contenders both read the dead pid, both unlink
 * "the stale lock", and the second unlink removes the first one's fresh lock file).
 */
import type { StaleLockObservation } from '../spec/stale-lock/stale-lock.observation.js';
import type { Property } from './property.js';

/** Safety. At most one contender believes it holds the lock. */
export const mutualExclusion: Property<StaleLockObservation> = {
  name: 'mutual-exclusion',
  kind: 'safety',
  claim: 'At every moment, at most one contender believes it holds the lock.',
  check(observation) {
    const holders = observation.contenders.filter((c) => c.status === 'holding').map((c) => c.name);
    if (holders.length <= 1) return null;
    return `${holders.join(' and ')} both hold the lock (lock file: ${observation.lockFile ?? 'absent'})`;
  },
};

/** Outcome. The stale lock was recovered: when the run ends, some contender has held the lock (and let it go). */
export const staleLockRecovered: Property<StaleLockObservation> = {
  name: 'stale-lock-recovered',
  kind: 'outcome',
  claim: 'When the run ends, at least one contender has taken the lock that the crashed process left behind.',
  check(observation) {
    if (observation.contenders.some((c) => c.status === 'released' || c.status === 'holding')) return null;
    return `nobody took the lock: ${observation.contenders.map((c) => `${c.name} ${c.status}`).join(', ')} (lock file: ${observation.lockFile ?? 'absent'})`;
  },
};

export const STALE_LOCK_PROPERTIES = [mutualExclusion, staleLockRecovered] as const;
