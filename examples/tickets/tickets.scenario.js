// Three worker threads, each acquiring its own ticket through the repository, as Actifix's barrier script does.
// Scenarios for worker threads are defined at the top level of a module and name it (import.meta.url): every
// thread imports this module to find its actor.
import assert from 'node:assert/strict';
import { defineScenario } from 'lockstep';
import { SCHEMA, TicketRepository } from './ticket-repository.js';

const WORKERS = ['thread-0', 'thread-1', 'thread-2'];

function tickets(name, { immediate, journal }) {
  return defineScenario({
    name,
    runtime: 'threads',
    module: import.meta.url,
    journal,
    busyTimeoutMs: 30_000,
    setup(db) {
      db.exec(SCHEMA);
      WORKERS.forEach((_, i) => db.prepare('INSERT INTO tickets (id) VALUES (?)').run(`ticket-${i}`));
    },
    actors: Object.fromEntries(
      WORKERS.map((worker, i) => [worker, (ctx) => new TicketRepository(ctx.open(), { immediate }).acquireLock(`ticket-${i}`, worker)]),
    ),
    check({ results }) {
      for (const [worker, result] of Object.entries(results)) {
        assert.ok(result.status === 'done' && result.value !== null, `${worker} did not get its ticket`);
      }
    },
  });
}

export const deferredRollback = tickets('tickets-deferred-delete', { immediate: false, journal: 'delete' });
export const deferredWal = tickets('tickets-deferred-wal', { immediate: false, journal: 'wal' });
export const immediateRollback = tickets('tickets-immediate-delete', { immediate: true, journal: 'delete' });
export const immediateWal = tickets('tickets-immediate-wal', { immediate: true, journal: 'wal' });
