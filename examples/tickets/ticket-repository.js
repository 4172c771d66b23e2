// The Actifix ticket repository (seed 002), as plain synchronous better-sqlite3 code. In production `db` is
// `new Database(file, { timeout: 30000 })`; under lockstep it is a connection lockstep opened, and nothing
// else changes. `acquireLock` reads the ticket, then locks it, in one transaction begun DEFERRED (as shipped) or
// IMMEDIATE (the fix), and turns "database is locked" into null, as Actifix does.
export class TicketRepository {
  constructor(db, { immediate = false } = {}) {
    this.db = db;
    this.begin = immediate ? 'BEGIN IMMEDIATE' : 'BEGIN';
    this.select = db.prepare('SELECT id FROM tickets WHERE id = ? AND locked_by IS NULL');
    this.lock = db.prepare('UPDATE tickets SET locked_by = ? WHERE id = ?');
  }

  acquireLock(ticketId, owner) {
    try {
      this.db.exec(this.begin);
      try {
        const free = this.select.get(ticketId);
        if (free === undefined) {
          this.db.exec('COMMIT');
          return null;
        }
        this.lock.run(owner, ticketId);
        this.db.exec('COMMIT');
        return { ticketId, owner };
      } catch (error) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw error;
      }
    } catch (error) {
      if (/locked/.test(String(error?.message))) return null;
      throw error;
    }
  }
}

export const SCHEMA = 'CREATE TABLE tickets (id TEXT PRIMARY KEY, locked_by TEXT)';
