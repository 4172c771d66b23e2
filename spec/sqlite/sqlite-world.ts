/**
 * The SQLite model's world: the committed database, and one connection machine snapshot per connection.
 * Arbitration is pure data: before a connection takes a step, {@link lockViewFor} summarises what the other
 * connections hold; the connection's machine decides the outcome from that view alone
 * (xstate `transition()`, which is pure); the world then applies what a successful commit published.
 */
import { initialTransition, transition } from 'xstate';
import type { SnapshotFrom } from 'xstate';
import type { ConnectionEvent, StepAnswer, WriteEffect } from './connection-events.js';
import type { BeginMode, Journal, StepOutcome } from './lock-script.js';
import type { Committed, LockView } from './lock-view.js';
import { ROLLBACK_LOCK_OF_STATE, rollbackConnectionMachine } from './rollback-connection.machine.js';
import type { RollbackLock, RollbackState } from './rollback-connection.machine.js';
import { walConnectionMachine } from './wal-connection.machine.js';
import type { ExposedConnection } from '../scenario-model.js';

export type RollbackSnapshot = SnapshotFrom<typeof rollbackConnectionMachine>;
export type WalSnapshot = SnapshotFrom<typeof walConnectionMachine>;

/** The two journal modes have different machines; a world holds snapshots of one kind only. */
export type ConnectionsOf =
  | { readonly journal: 'delete'; readonly snapshots: readonly RollbackSnapshot[] }
  | { readonly journal: 'wal'; readonly snapshots: readonly WalSnapshot[] };

export interface SqliteWorld {
  readonly keys: readonly string[];
  /** The last committed state of every row. */
  readonly committed: Committed;
  /** Counts commits that changed data (WAL snapshots compare against it). */
  readonly version: number;
  readonly connections: ConnectionsOf;
}

/** A statement as the world receives it: a connection event without the view (the world supplies that). */
export type SqliteCommand =
  | { readonly type: 'BEGIN'; readonly mode: BeginMode }
  | { readonly type: 'READ'; readonly key: string }
  | { readonly type: 'WRITE'; readonly key: string; readonly effect: WriteEffect }
  | { readonly type: 'COMMIT' }
  | { readonly type: 'ROLLBACK' };

const [ROLLBACK_INITIAL] = initialTransition(rollbackConnectionMachine);
const [WAL_INITIAL] = initialTransition(walConnectionMachine);

export function initialSqliteWorld(journal: Journal, connections: number, keys: readonly string[], initial = 0): SqliteWorld {
  const committed: Record<string, number> = {};
  for (const key of keys) committed[key] = initial;
  const connectionsOf: ConnectionsOf =
    journal === 'delete'
      ? { journal, snapshots: Array.from({ length: connections }, () => ROLLBACK_INITIAL) }
      : { journal, snapshots: Array.from({ length: connections }, () => WAL_INITIAL) };
  return { keys, committed, version: 0, connections: connectionsOf };
}

/** The rollback-journal lock a connection holds now ('none' in WAL mode, where locks are not laddered). */
export function rollbackLockOf(world: SqliteWorld, conn: number): RollbackLock {
  if (world.connections.journal !== 'delete') return 'none';
  const snapshot = world.connections.snapshots[conn];
  return snapshot === undefined ? 'none' : ROLLBACK_LOCK_OF_STATE[snapshot.value as RollbackState];
}

/** The state name of a connection's machine (its lock or transaction state). */
export function connectionState(world: SqliteWorld, conn: number): string {
  const snapshot = world.connections.snapshots[conn];
  if (snapshot === undefined) throw new RangeError(`no connection ${conn}`);
  return snapshot.value as string;
}

export function inTransaction(world: SqliteWorld, conn: number): boolean {
  return connectionState(world, conn) !== 'autocommit';
}

/** What connection `conn` sees of the others: the arbitration, as data. */
export function lockViewFor(world: SqliteWorld, conn: number): LockView {
  let othersHoldShared = false;
  let othersHoldReserved = false;
  let othersHoldPending = false;
  let othersHoldWriteLock = false;
  const { connections } = world;
  for (let other = 0; other < connections.snapshots.length; other++) {
    if (other === conn) continue;
    if (connections.journal === 'delete') {
      const lock = ROLLBACK_LOCK_OF_STATE[connections.snapshots[other]!.value as RollbackState];
      if (lock !== 'none') othersHoldShared = true;
      if (lock === 'reserved' || lock === 'pending' || lock === 'exclusive') othersHoldReserved = true;
      if (lock === 'pending' || lock === 'exclusive') othersHoldPending = true;
    } else if (connections.snapshots[other]!.value === 'writing') {
      othersHoldWriteLock = true;
    }
  }
  return { committed: world.committed, version: world.version, othersHoldShared, othersHoldReserved, othersHoldPending, othersHoldWriteLock };
}

export interface SqliteStepResult {
  readonly world: SqliteWorld;
  readonly outcome: StepOutcome;
}

/** One statement of connection `conn`. Pure: the input world is not changed. */
export function stepSqliteWorld(world: SqliteWorld, conn: number, command: SqliteCommand): SqliteStepResult {
  const count = world.connections.snapshots.length;
  if (!Number.isInteger(conn) || conn < 0 || conn >= count) throw new RangeError(`no connection ${conn} (of ${count})`);
  const event = { ...command, view: lockViewFor(world, conn) } as ConnectionEvent;
  const { connections } = world;
  let answer: StepAnswer;
  let publish: Committed | null;
  let nextConnections: ConnectionsOf;
  let inTx: boolean;
  if (connections.journal === 'delete') {
    const [next] = transition(rollbackConnectionMachine, connections.snapshots[conn]!, event);
    ({ answer, publish } = takeAnswer(next.context));
    const snapshots = connections.snapshots.slice();
    snapshots[conn] = clearAnswer(next);
    nextConnections = { journal: 'delete', snapshots };
    inTx = next.value !== 'autocommit';
  } else {
    const [next] = transition(walConnectionMachine, connections.snapshots[conn]!, event);
    ({ answer, publish } = takeAnswer(next.context));
    const snapshots = connections.snapshots.slice();
    snapshots[conn] = clearAnswer(next);
    nextConnections = { journal: 'wal', snapshots };
    inTx = next.value !== 'autocommit';
  }
  const committed = publish === null ? world.committed : { ...world.committed, ...publish };
  const version = publish === null ? world.version : world.version + 1;
  return {
    world: { keys: world.keys, committed, version, connections: nextConnections },
    outcome: { ...answer, inTransaction: inTx },
  };
}

function takeAnswer(context: { outcome: StepAnswer | null; publish: Committed | null }): { answer: StepAnswer; publish: Committed | null } {
  if (context.outcome === null) throw new Error('model defect: a connection machine took a step without answering it');
  return { answer: context.outcome, publish: context.publish };
}

/** Forget the step's answer and publication once the world has taken them, so equal worlds compare equal. */
function clearAnswer<S extends RollbackSnapshot | WalSnapshot>(snapshot: S): S {
  if (snapshot.context.outcome === null && snapshot.context.publish === null) return snapshot;
  return { ...snapshot, context: { ...snapshot.context, outcome: null, publish: null } } as S;
}

/**
 * The lock a connection holds, in SQLite's words: the rollback ladder (SHARED, RESERVED, PENDING, EXCLUSIVE),
 * or in WAL mode a read snapshot and/or the WAL write lock; '-' when it holds nothing.
 */
export function lockLabel(world: SqliteWorld, conn: number): string {
  const state = connectionState(world, conn);
  if (world.connections.journal === 'delete') {
    const lock = ROLLBACK_LOCK_OF_STATE[state as RollbackState];
    return lock === 'none' ? '-' : lock.toUpperCase();
  }
  switch (state) {
    case 'reading':
      return 'snapshot';
    case 'writing':
      return 'WRITE';
    default:
      return '-';
  }
}

/**
 * Every connection's lock and transaction as a format-2 trace exposes them, keyed by the name `names[i]` of the
 * actor (or pool slot) that connection i belongs to.
 */
export function exposeConnections(world: SqliteWorld, names: readonly string[]): Record<string, ExposedConnection> {
  const out: Record<string, ExposedConnection> = {};
  names.forEach((name, conn) => {
    if (conn < world.connections.snapshots.length) out[name] = { lock: lockLabel(world, conn), inTransaction: inTransaction(world, conn) };
  });
  return out;
}
