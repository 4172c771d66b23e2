/**
 * A connection pool with a maximum size, as the seeds describe theirs ("thread-safe connection pools with
 * configurable limits", max_connections): `acquire` hands out the lowest-numbered idle connection, opening a
 * new one while the pool is below its maximum, and waits while every connection is checked out; `release`
 * returns one and wakes the longest waiter. In JavaScript "thread-safe" means: no await between looking for an
 * idle connection and marking it checked out, so two async callers can never get the same one.
 */
import type Database from 'better-sqlite3';

export interface Lease {
  /** The connection's number in the pool (0-based, in the order they were opened). */
  readonly index: number;
  readonly db: Database.Database;
}

export class ConnectionPool {
  private readonly connections: Database.Database[] = [];
  private readonly checkedOut = new Set<number>();
  private readonly waiters: (() => void)[] = [];

  constructor(
    private readonly open: () => Database.Database,
    readonly maxSize: number,
  ) {
    if (!Number.isInteger(maxSize) || maxSize < 1) throw new RangeError(`maxSize must be a positive integer, got ${String(maxSize)}`);
  }

  /** Opens every connection now, so that none is opened (and no schema is read) while work runs. */
  warm(): readonly Database.Database[] {
    while (this.connections.length < this.maxSize) this.connections.push(this.open());
    return this.connections;
  }

  /** Checks out the lowest-numbered idle connection (opening one if the pool may grow), or null when none is free. */
  tryAcquire(): Lease | null {
    for (const [index, db] of this.connections.entries()) {
      if (!this.checkedOut.has(index)) {
        this.checkedOut.add(index);
        return { index, db };
      }
    }
    if (this.connections.length >= this.maxSize) return null;
    const index = this.connections.length;
    this.connections.push(this.open());
    this.checkedOut.add(index);
    return { index, db: this.connections[index]! };
  }

  /** Checks out a connection, waiting for a release while none is free. */
  async acquire(): Promise<Lease> {
    for (;;) {
      const lease = this.tryAcquire();
      if (lease !== null) return lease;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  release(index: number): void {
    if (!this.checkedOut.delete(index)) throw new Error(`connection ${index} was not checked out`);
    this.waiters.shift()?.();
  }

  close(): void {
    for (const db of this.connections) if (db.open) db.close();
  }
}
