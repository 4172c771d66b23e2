/**
 * The Actifix ticket repository (seed 002) as a user would write it: plain synchronous better-sqlite3 code,
 * `acquireLock` reads the ticket and then locks it inside a transaction begun DEFERRED (as shipped) or
 * IMMEDIATE (the fix), and turns a "database is locked" error into null, as Actifix's A6 does. Explored on
 * worker threads through the public API, with no model.
 */
import assert from 'node:assert/strict';
import { defineScenario, type GatedDatabase, type Journal, type ThreadActorContext } from '../../sim/index.js';

type Mode = 'deferred' | 'immediate';

class TicketRepository {
  constructor(
    private readonly db: GatedDatabase,
    private readonly mode: Mode,
  ) {}

  acquireLock(id: string, who: string): string | null {
    const select = this.db.prepare('SELECT id FROM tickets WHERE id = ? AND locked_by IS NULL');
    const update = this.db.prepare('UPDATE tickets SET locked_by = ? WHERE id = ?');
    try {
      this.db.exec(this.mode === 'immediate' ? 'BEGIN IMMEDIATE' : 'BEGIN');
      try {
        const row = select.get(id);
        if (row === undefined) {
          this.db.exec('COMMIT');
          return null;
        }
        update.run(who, id);
        this.db.exec('COMMIT');
        return id;
      } catch (error) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw error;
      }
    } catch (error) {
      if (error instanceof Error && /locked/.test(error.message)) return null;
      throw error;
    }
  }
}

function ticketsScenario(mode: Mode, journal: Journal) {
  const workers = ['worker-0', 'worker-1', 'worker-2'];
  return defineScenario({
    name: `tickets-${mode}-${journal}`,
    runtime: 'threads',
    module: import.meta.url,
    journal,
    busyTimeoutMs: 30_000,
    setup(db) {
      db.exec('CREATE TABLE tickets (id TEXT PRIMARY KEY, locked_by TEXT)');
      for (let i = 0; i < workers.length; i++) db.prepare('INSERT INTO tickets (id) VALUES (?)').run(`ticket-${i}`);
    },
    actors: Object.fromEntries(workers.map((name, i) => [name, (ctx: ThreadActorContext) => new TicketRepository(ctx.open(), mode).acquireLock(`ticket-${i}`, name)])),
    check({ results }) {
      for (const [name, result] of Object.entries(results)) {
        assert.ok(result.status === 'done' && result.value !== null, `${name} did not acquire its ticket`);
      }
    },
  });
}

export const deferredDelete = ticketsScenario('deferred', 'delete');
export const deferredWal = ticketsScenario('deferred', 'wal');
export const immediateDelete = ticketsScenario('immediate', 'delete');
export const immediateWal = ticketsScenario('immediate', 'wal');
