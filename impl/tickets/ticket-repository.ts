/**
 * The ticket repository of seed 002 (Actifix), as its authors wrote it, in TypeScript on better-sqlite3.
 * `transaction(mode)` issues BEGIN (DEFERRED: the bug) or BEGIN IMMEDIATE (the documented fix); a failed
 * BEGIN has nothing to roll back and is rethrown at once; any error in the body rolls back and rethrows.
 * Every statement goes through a SteppedConnection, so a driver can interleave workers statement by statement
 * (in production the gate is open and this is plain sequential code).
 */
import type { SteppedConnection } from './stepped-connection.js';

export type TransactionMode = 'deferred' | 'immediate';

export interface TicketLock {
  readonly ticketId: string;
  readonly lockedBy: string;
  readonly leaseExpires: number;
}

interface TicketRow {
  readonly locked_by: string | null;
}

export const TICKETS_SCHEMA = 'CREATE TABLE tickets (id TEXT PRIMARY KEY, locked_by TEXT, lease_expires INTEGER)';

const heldText = (row: TicketRow | undefined): string => (row?.locked_by ? `held by ${row.locked_by}` : 'free');

export class TicketRepository {
  private readonly select;
  private readonly lock;
  private readonly unlock;
  private readonly renew;

  constructor(
    private readonly conn: SteppedConnection,
    private readonly mode: TransactionMode,
  ) {
    const { db } = conn;
    this.select = db.prepare<[string], TicketRow>('SELECT locked_by FROM tickets WHERE id = ?');
    this.lock = db.prepare<[string, number, string]>('UPDATE tickets SET locked_by = ?, lease_expires = ? WHERE id = ?');
    this.unlock = db.prepare<[string, string]>('UPDATE tickets SET locked_by = NULL, lease_expires = NULL WHERE id = ? AND locked_by = ?');
    this.renew = db.prepare<[number, string, string]>('UPDATE tickets SET lease_expires = ? WHERE id = ? AND locked_by = ?');
  }

  async transaction<T>(body: () => Promise<T>): Promise<T> {
    const begin = this.mode === 'immediate' ? 'BEGIN IMMEDIATE' : 'BEGIN DEFERRED';
    await this.conn.statement(this.mode === 'immediate' ? 'begin-immediate' : 'begin-deferred', begin, () => this.conn.db.exec(begin));
    try {
      const result = await body();
      await this.conn.statement('commit', 'COMMIT', () => this.conn.db.exec('COMMIT'));
      return result;
    } catch (error) {
      if (this.conn.db.inTransaction) await this.conn.statement('rollback', 'ROLLBACK', () => this.conn.db.exec('ROLLBACK'));
      throw error;
    }
  }

  private read(ticketId: string): Promise<TicketRow | undefined> {
    return this.conn.statement('read', `SELECT ${ticketId}`, () => this.select.get(ticketId), heldText);
  }

  /** Locks the ticket for `lockedBy` if it is free; null when someone else holds it. */
  acquireLock(ticketId: string, lockedBy: string, leaseExpires: number): Promise<TicketLock | null> {
    return this.transaction(async () => {
      const row = await this.read(ticketId);
      if (row === undefined || row.locked_by !== null) return null;
      await this.conn.statement('write', `UPDATE ${ticketId} SET locked_by = ${lockedBy}`, () => this.lock.run(lockedBy, leaseExpires, ticketId));
      return { ticketId, lockedBy, leaseExpires };
    });
  }

  /** Releases the ticket if `lockedBy` holds it; true when it did. */
  releaseLock(ticketId: string, lockedBy: string): Promise<boolean> {
    return this.transaction(async () => {
      const result = await this.conn.statement('write', `UPDATE ${ticketId} SET locked_by = NULL`, () => this.unlock.run(ticketId, lockedBy));
      return result.changes === 1;
    });
  }

  /** Extends the lease if `lockedBy` holds the ticket; true when it did. */
  renewLock(ticketId: string, lockedBy: string, leaseExpires: number): Promise<boolean> {
    return this.transaction(async () => {
      const result = await this.conn.statement('write', `UPDATE ${ticketId} SET lease_expires`, () => this.renew.run(leaseExpires, ticketId, lockedBy));
      return result.changes === 1;
    });
  }

  /** Reads tickets in id order until a free one and locks it; null when every ticket is held. */
  getAndLockNextTicket(ticketIds: readonly string[], lockedBy: string, leaseExpires: number): Promise<TicketLock | null> {
    return this.transaction(async () => {
      for (const ticketId of ticketIds) {
        const row = await this.read(ticketId);
        if (row === undefined || row.locked_by !== null) continue;
        await this.conn.statement('write', `UPDATE ${ticketId} SET locked_by = ${lockedBy}`, () => this.lock.run(lockedBy, leaseExpires, ticketId));
        return { ticketId, lockedBy, leaseExpires };
      }
      return null;
    });
  }
}
