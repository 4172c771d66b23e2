/**
 * What one connection can see of the others when it takes a step: the arbitration between connections,
 * computed as pure data from the world (see sqlite-world.ts) and carried on every event, so that the
 * connection machines' guards decide each outcome without reaching outside their own snapshot.
 */

/** Committed values by key (the database file, or the WAL's newest committed frame). */
export type Committed = Readonly<Record<string, number>>;

export interface LockView {
  /** The last committed state of the database. */
  readonly committed: Committed;
  /** Counts commits that changed data; a WAL read snapshot is stale once this moves past it. */
  readonly version: number;
  /** Rollback journal: another connection holds SHARED or any stronger lock. */
  readonly othersHoldShared: boolean;
  /** Rollback journal: another connection holds RESERVED, PENDING or EXCLUSIVE (one writer at a time). */
  readonly othersHoldReserved: boolean;
  /** Rollback journal: another connection holds PENDING or EXCLUSIVE, so no new SHARED is granted. */
  readonly othersHoldPending: boolean;
  /** WAL: another connection holds the WAL write lock. */
  readonly othersHoldWriteLock: boolean;
}

/** A view with nobody else holding anything, for walking a machine on its own (tests, xstate/graph). */
export function quietView(committed: Committed = { a: 0 }, version = 0): LockView {
  return {
    committed,
    version,
    othersHoldShared: false,
    othersHoldReserved: false,
    othersHoldPending: false,
    othersHoldWriteLock: false,
  };
}
