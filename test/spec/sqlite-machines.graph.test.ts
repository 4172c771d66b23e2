/**
 * Walks every state of both connection machines with xstate/graph, feeding every statement under every
 * combination of what the other connections may hold, and pins the reachable states and the edges between
 * them (a regression number: a change to a machine that alters its graph is seen here).
 */
import assert from 'node:assert/strict';
import { getAdjacencyMap, getShortestPaths } from 'xstate/graph';
import type { ConnectionEvent } from '../../spec/sqlite/connection-events.js';
import { BEGIN_MODES } from '../../spec/sqlite/lock-script.js';
import type { LockView } from '../../spec/sqlite/lock-view.js';
import { ROLLBACK_LOCK_OF_STATE, rollbackConnectionMachine } from '../../spec/sqlite/rollback-connection.machine.js';
import { WAL_STATES, walConnectionMachine } from '../../spec/sqlite/wal-connection.machine.js';

/** Every view a connection can meet: the lock summaries that can hold together, and a moved commit version. */
function views(): LockView[] {
  const out: LockView[] = [];
  for (const version of [0, 1]) {
    // Rollback: nothing / others SHARED / others RESERVED / others PENDING or EXCLUSIVE (each implies the weaker).
    const ladder = [
      [false, false, false],
      [true, false, false],
      [true, true, false],
      [true, true, true],
    ] as const;
    for (const [othersHoldShared, othersHoldReserved, othersHoldPending] of ladder) {
      for (const othersHoldWriteLock of [false, true]) {
        out.push({ committed: { a: version }, version, othersHoldShared, othersHoldReserved, othersHoldPending, othersHoldWriteLock });
      }
    }
  }
  return out;
}

function allEvents(): ConnectionEvent[] {
  const events: ConnectionEvent[] = [];
  for (const view of views()) {
    for (const mode of BEGIN_MODES) events.push({ type: 'BEGIN', mode, view });
    events.push({ type: 'READ', key: 'a', view });
    events.push({ type: 'WRITE', key: 'a', effect: { kind: 'increment' }, view });
    events.push({ type: 'COMMIT', view });
    events.push({ type: 'ROLLBACK', view });
  }
  return events;
}

/**
 * Identifies a snapshot by its state and whether it holds own writes or a snapshot: the values themselves
 * grow without bound (every write adds one), so the walk abstracts them to keep the graph finite.
 */
function abstractKey(snapshot: { value: unknown; context: { own: object; snapshotVersion: number | null } }): string {
  return JSON.stringify([snapshot.value, Object.keys(snapshot.context.own).length > 0, snapshot.context.snapshotVersion !== null]);
}

/** Distinct (state --event--> state) edges, by state value and event type only. */
function edgesOf(machine: typeof rollbackConnectionMachine | typeof walConnectionMachine): Set<string> {
  const adjacency = getAdjacencyMap(machine as typeof rollbackConnectionMachine, {
    events: allEvents() as never,
    serializeState: abstractKey,
  });
  const edges = new Set<string>();
  for (const entry of Object.values(adjacency)) {
    for (const transition of Object.values(entry.transitions) as { event: ConnectionEvent; state: { value: unknown } }[]) {
      edges.add(`${String(entry.state.value)} --${transition.event.type}--> ${String(transition.state.value)}`);
    }
  }
  return edges;
}

describe('SQLite connection machines (xstate/graph walk)', () => {
  it('the rollback-journal machine reaches every lock state', () => {
    const paths = getShortestPaths(rollbackConnectionMachine, {
      events: allEvents(),
      serializeState: abstractKey,
    });
    const reached = new Set(paths.map((p) => String(p.state.value)));
    assert.deepEqual([...reached].sort(), Object.keys(ROLLBACK_LOCK_OF_STATE).sort());
  });

  it('the WAL machine reaches every transaction state', () => {
    const paths = getShortestPaths(walConnectionMachine, {
      events: allEvents(),
      serializeState: abstractKey,
    });
    const reached = new Set(paths.map((p) => String(p.state.value)));
    assert.deepEqual([...reached].sort(), [...WAL_STATES].sort());
  });

  it('pins the rollback-journal lock ladder edges', () => {
    assert.deepEqual([...edgesOf(rollbackConnectionMachine)].sort(), [
      'autocommit --BEGIN--> autocommit',
      'autocommit --BEGIN--> deferred',
      'autocommit --BEGIN--> exclusive',
      'autocommit --BEGIN--> reserved',
      'autocommit --COMMIT--> autocommit',
      'autocommit --READ--> autocommit',
      'autocommit --ROLLBACK--> autocommit',
      'autocommit --WRITE--> autocommit',
      'deferred --BEGIN--> deferred',
      'deferred --BEGIN--> exclusive',
      'deferred --BEGIN--> reserved',
      'deferred --COMMIT--> autocommit',
      'deferred --READ--> deferred',
      'deferred --READ--> shared',
      'deferred --ROLLBACK--> autocommit',
      'deferred --WRITE--> deferred',
      'deferred --WRITE--> reserved',
      'exclusive --BEGIN--> exclusive',
      'exclusive --COMMIT--> autocommit',
      'exclusive --READ--> exclusive',
      'exclusive --ROLLBACK--> autocommit',
      'exclusive --WRITE--> exclusive',
      'pending --BEGIN--> pending',
      'pending --COMMIT--> autocommit',
      'pending --COMMIT--> pending',
      'pending --READ--> pending',
      'pending --ROLLBACK--> autocommit',
      'pending --WRITE--> pending',
      'pendingRead --BEGIN--> exclusive',
      'pendingRead --BEGIN--> pendingRead',
      'pendingRead --COMMIT--> autocommit',
      'pendingRead --READ--> pendingRead',
      'pendingRead --ROLLBACK--> autocommit',
      'pendingRead --WRITE--> pending',
      'reserved --BEGIN--> reserved',
      'reserved --COMMIT--> autocommit',
      'reserved --COMMIT--> pending',
      'reserved --READ--> reserved',
      'reserved --ROLLBACK--> autocommit',
      'reserved --WRITE--> reserved',
      'shared --BEGIN--> exclusive',
      'shared --BEGIN--> pendingRead',
      'shared --BEGIN--> reserved',
      'shared --BEGIN--> shared',
      'shared --COMMIT--> autocommit',
      'shared --READ--> shared',
      'shared --ROLLBACK--> autocommit',
      'shared --WRITE--> reserved',
      'shared --WRITE--> shared',
    ]);
  });

  it('pins the WAL machine edges', () => {
    assert.deepEqual([...edgesOf(walConnectionMachine)].sort(), [
      'autocommit --BEGIN--> autocommit',
      'autocommit --BEGIN--> deferred',
      'autocommit --BEGIN--> writing',
      'autocommit --COMMIT--> autocommit',
      'autocommit --READ--> autocommit',
      'autocommit --ROLLBACK--> autocommit',
      'autocommit --WRITE--> autocommit',
      'deferred --BEGIN--> deferred',
      'deferred --BEGIN--> writing',
      'deferred --COMMIT--> autocommit',
      'deferred --READ--> reading',
      'deferred --ROLLBACK--> autocommit',
      'deferred --WRITE--> deferred',
      'deferred --WRITE--> writing',
      'reading --BEGIN--> reading',
      'reading --BEGIN--> writing',
      'reading --COMMIT--> autocommit',
      'reading --READ--> reading',
      'reading --ROLLBACK--> autocommit',
      'reading --WRITE--> reading',
      'reading --WRITE--> writing',
      'writing --BEGIN--> writing',
      'writing --COMMIT--> autocommit',
      'writing --READ--> writing',
      'writing --ROLLBACK--> autocommit',
      'writing --WRITE--> writing',
    ]);
  });
});
