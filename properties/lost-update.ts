/**
 * Properties of the per-host failure counters (seed 004, luca-nrw-scraper). Known bad variant:
 * lost-update/unguarded violates no-lost-update (two tasks read the same count across the await inside the
 * read-modify-write, and the second write overwrites the first).
 */
import type { LostUpdateObservation } from '../spec/lost-update/lost-update.observation.js';
import type { Property } from './property.js';

/** Safety. Each host counts exactly the penalties written for it so far. */
export const noLostUpdate: Property<LostUpdateObservation> = {
  name: 'no-lost-update',
  kind: 'safety',
  claim: "At every moment, each host's failure count equals the number of penalties written for it.",
  check(observation) {
    for (const [host, failures] of Object.entries(observation.failures)) {
      const writers = observation.tasks.filter((t) => t.host === host && t.wrote).map((t) => t.name);
      if (failures !== writers.length) {
        return `${host} counts ${failures} failure${failures === 1 ? '' : 's'} after ${writers.length} penalties (${writers.join(', ')}): ${writers.length - failures} lost`;
      }
    }
    return null;
  },
};

/** Outcome. Every task finished its penalty. */
export const everyPenaltyApplied: Property<LostUpdateObservation> = {
  name: 'every-penalty-applied',
  kind: 'outcome',
  claim: 'When the run ends, every task has written its penalty.',
  check(observation) {
    const missing = observation.tasks.filter((t) => !t.wrote);
    return missing.length === 0 ? null : `${missing.map((t) => t.name).join(', ')} never wrote a penalty`;
  },
};

export const LOST_UPDATE_PROPERTIES = [noLostUpdate, everyPenaltyApplied] as const;
