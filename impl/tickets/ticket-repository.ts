/**
 * The ticket repository of seed 002 (Actifix), as its authors wrote it, in TypeScript on better-sqlite3.
 *
 * `transaction(mode, body)` is their context manager: BEGIN (DEFERRED, the default: the bug) or BEGIN IMMEDIATE
 * (the documented fix) is issued inside the try; on success COMMIT, on any error ROLLBACK and rethrow. A failed
 * BEGIN leaves no transaction open, so there is nothing to roll back and no ROLLBACK is issued (Python's
 * `conn.rollback()` is a no-op then, and so is this code). The lock operations run in the repository's `lockMode`:
 * 'deferred' is the code as it shipped, 'immediate' the fix.
 *
 * Every statement goes through a StatementRunner, which first awaits the actor's gate: in production
 * `DirectStatementRunner` with `immediateGate` (plain sequential code, and better-sqlite3's own busy timeout does
 * the waiting); under the lock-step driver a runner that also emulates the busy handler and records each step.
 * Statements are prepared when the repository is built: preparing reads the schema, which needs a SHARED lock,
 * and must not become a step of its own.
 */
import type Database from 'better-sqlite3';
import { immediateGate, type Gate } from '../gate/step-gate.js';

export type TransactionMode = 'deferred' | 'immediate';

/** What a statement does to the connection's locks (the busy-handler rule needs it). */
export type StatementKind = 'begin-deferred' | 'begin-immediate' | 'begin-exclusive' | 'read' | 'write' | 'commit' | 'rollback';

/**
 * Runs one statement at the actor's next turn. `action` names the statement in a step record; `describe` turns its
 * result into the outcome text ('ok' when absent).
 */
export interface StatementRunner {
  readonly db: Database.Database;
  statement<T>(kind: StatementKind, action: string, run: () => T, describe?: (result: T) => string): Promise<T>;
}

/** The production runner: awaits the gate (immediateGate by default), then runs the statement. */
export class DirectStatementRunner implements StatementRunner {
  constructor(
    readonly db: Database.Database,
    private readonly gate: Gate = immediateGate,
  ) {}

  async statement<T>(_kind: StatementKind, _action: string, run: () => T): Promise<T> {
    await this.gate();
    return run();
  }
}

export interface TicketLock {
  readonly ticketId: string;
  readonly lockedBy: string;
  readonly leaseExpires: number;
}

export interface TicketRepositoryOptions {
  /** The tickets getAndLockNextTicket walks, in this order (the work queue). */
  readonly ticketIds?: readonly string[];
  /** Milliseconds since the epoch, for lease expiry. Date.now by default. */
  readonly now?: () => number;
}

interface TicketRow {
  readonly locked_by: string | null;
}

export const TICKETS_SCHEMA = 'CREATE TABLE tickets (id TEXT PRIMARY KEY, locked_by TEXT, lease_expires INTEGER)';

/** Actifix's default lease: one hour. */
export const DEFAULT_LEASE_MS = 3_600_000;

const heldText = (row: TicketRow | undefined): string =>
  row === undefined ? 'no such ticket' : row.locked_by === null ? 'free' : `held by ${row.locked_by}`;

export class TicketRepository {
  private readonly db: Database.Database;
  private readonly begin: Record<TransactionMode, Database.Statement>;
  private readonly commit: Database.Statement;
  private readonly rollback: Database.Statement;
  private readonly select: Database.Statement<[string], TicketRow>;
  private readonly lock: Database.Statement<[string, number, string]>;
  private readonly unlock: Database.Statement<[string, string]>;
  private readonly renew: Database.Statement<[number, string, string]>;
  private readonly ticketIds: readonly string[] | null;
  private readonly now: () => number;

  constructor(
    private readonly runner: StatementRunner,
    readonly lockMode: TransactionMode,
    options: TicketRepositoryOptions = {},
  ) {
    const { db } = runner;
    this.db = db;
    this.begin = { deferred: db.prepare('BEGIN'), immediate: db.prepare('BEGIN IMMEDIATE') };
    this.commit = db.prepare('COMMIT');
    this.rollback = db.prepare('ROLLBACK');
    this.select = db.prepare<[string], TicketRow>('SELECT locked_by FROM tickets WHERE id = ?');
    this.lock = db.prepare<[string, number, string]>('UPDATE tickets SET locked_by = ?, lease_expires = ? WHERE id = ?');
    this.unlock = db.prepare<[string, string]>('UPDATE tickets SET locked_by = NULL, lease_expires = NULL WHERE id = ? AND locked_by = ?');
    this.renew = db.prepare<[number, string, string]>('UPDATE tickets SET lease_expires = ? WHERE id = ? AND locked_by = ?');
    this.ticketIds = options.ticketIds ?? null;
    this.now = options.now ?? Date.now;
  }

  /** BEGIN (inside the try), body, COMMIT; on any error ROLLBACK if a transaction is open, and rethrow. */
  async transaction<T>(mode: TransactionMode, body: () => Promise<T>): Promise<T> {
    try {
      const begin = this.begin[mode];
      await this.runner.statement(mode === 'immediate' ? 'begin-immediate' : 'begin-deferred', `BEGIN ${mode.toUpperCase()}`, () => begin.run());
      const result = await body();
      await this.runner.statement('commit', 'COMMIT', () => this.commit.run());
      return result;
    } catch (error) {
      if (this.db.inTransaction) {
        try {
          await this.runner.statement('rollback', 'ROLLBACK', () => this.rollback.run());
        } catch {
          // The original error is the one worth reporting.
        }
      }
      throw error;
    }
  }

  /** Locks the ticket for `lockedBy` if nobody holds it; null when it is taken (or does not exist). */
  acquireLock(ticketId: string, lockedBy: string, leaseMs: number = DEFAULT_LEASE_MS): Promise<TicketLock | null> {
    return this.transaction(this.lockMode, async () => {
      const row = await this.read(ticketId);
      if (row === undefined || row.locked_by !== null) return null;
      return this.take(ticketId, lockedBy, leaseMs);
    });
  }

  /** Releases the ticket if `lockedBy` holds it; true when it did. */
  releaseLock(ticketId: string, lockedBy: string): Promise<boolean> {
    return this.transaction(this.lockMode, async () => {
      const result = await this.runner.statement('write', `UPDATE ${ticketId} SET locked_by = NULL`, () => this.unlock.run(ticketId, lockedBy));
      return result.changes === 1;
    });
  }

  /** Extends the lease to now + leaseMs if `lockedBy` holds the ticket; true when it did. */
  renewLock(ticketId: string, lockedBy: string, leaseMs: number = DEFAULT_LEASE_MS): Promise<boolean> {
    return this.transaction(this.lockMode, async () => {
      const expires = this.now() + leaseMs;
      const result = await this.runner.statement('write', `UPDATE ${ticketId} SET lease_expires`, () => this.renew.run(expires, ticketId, lockedBy));
      return result.changes === 1;
    });
  }

  /**
   * Reads the queue's tickets in order, one SELECT each, until a free one, and locks it; null when every
   * ticket is held. The queue is the repository's `ticketIds` option.
   */
  getAndLockNextTicket(lockedBy: string, leaseMs: number = DEFAULT_LEASE_MS): Promise<TicketLock | null> {
    const queue = this.ticketIds;
    if (queue === null) return Promise.reject(new Error('getAndLockNextTicket: the repository was built without ticketIds'));
    return this.transaction(this.lockMode, async () => {
      for (const ticketId of queue) {
        const row = await this.read(ticketId);
        if (row === undefined || row.locked_by !== null) continue;
        return this.take(ticketId, lockedBy, leaseMs);
      }
      return null;
    });
  }

  private read(ticketId: string): Promise<TicketRow | undefined> {
    return this.runner.statement('read', `SELECT ${ticketId}`, () => this.select.get(ticketId), heldText);
  }

  private async take(ticketId: string, lockedBy: string, leaseMs: number): Promise<TicketLock> {
    const leaseExpires = this.now() + leaseMs;
    await this.runner.statement('write', `UPDATE ${ticketId} SET locked_by = ${lockedBy}`, () => this.lock.run(lockedBy, leaseExpires, ticketId));
    return { ticketId, lockedBy, leaseExpires };
  }
}
