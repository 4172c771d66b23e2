/**
 * Properties of the ticket repository (seed 002, Actifix). Known bad variant: tickets/deferred violates
 * every-worker-acquires (a reader cannot become the writer while another holds the write lock, and SQLite
 * refuses it at once, whatever the busy timeout).
 */
import type { TicketsObservation } from '../spec/tickets/tickets.observation.js';
import type { Property } from './property.js';

/** Outcome. Every worker acquires the ticket it asked for (the busy timeout is long enough to wait its turn). */
export const everyWorkerAcquires: Property<TicketsObservation> = {
  name: 'every-worker-acquires',
  kind: 'outcome',
  claim: 'When the run ends, every worker has acquired a ticket.',
  check(observation) {
    const failed = observation.workers.filter((w) => w.status !== 'acquired');
    if (failed.length === 0) return null;
    return failed.map((w) => `${w.name} ${w.status === 'failed' ? `failed: ${w.error ?? 'unknown'}` : `is still ${w.status}`}`).join('; ');
  },
};

/** Safety. No two workers believe they hold the same ticket. */
export const noTicketHeldTwice: Property<TicketsObservation> = {
  name: 'no-ticket-held-twice',
  kind: 'safety',
  claim: 'At every moment, no two workers believe they hold the same ticket.',
  check(observation) {
    const seen = new Map<string, string>();
    for (const worker of observation.workers) {
      if (worker.ticket === null) continue;
      const other = seen.get(worker.ticket);
      if (other !== undefined) return `${other} and ${worker.name} both hold ${worker.ticket}`;
      seen.set(worker.ticket, worker.name);
    }
    return null;
  },
};

/** Safety. A worker that believes it holds a ticket is the one the database names as its holder. */
export const oneTicketOneHolder: Property<TicketsObservation> = {
  name: 'one-ticket-one-holder',
  kind: 'safety',
  claim: "At every moment, a worker that believes it holds a ticket is the ticket's committed locked_by.",
  check(observation) {
    for (const [index, worker] of observation.workers.entries()) {
      if (worker.ticket === null) continue;
      const holder = observation.holders[worker.ticket];
      if (holder !== index) {
        return `${worker.name} believes it holds ${worker.ticket} but locked_by is ${holder === null || holder === undefined ? 'empty' : `worker-${holder}`}`;
      }
    }
    return null;
  },
};

export const TICKETS_PROPERTIES = [noTicketHeldTwice, oneTicketOneHolder, everyWorkerAcquires] as const;
