/**
 * One connection to a database in WAL mode (journal_mode=WAL): its transaction, its read snapshot and whether
 * it holds the single WAL write lock.
 *
 * Sources: https://sqlite.org/wal.html (readers and the writer do not block each other; one writer at a time),
 * https://sqlite.org/isolation.html and https://sqlite.org/rescode.html#busy_snapshot (a read transaction whose
 * snapshot is no longer the newest cannot become a write transaction), https://sqlite.org/lang_transaction.html
 * (in WAL mode EXCLUSIVE and IMMEDIATE are the same), wal.c sqlite3WalBeginWriteTransaction (the write lock
 * is tried first, then the snapshot's freshness), btree.c sqlite3BtreeBeginTrans (the busy handler is retried
 * only while no read transaction is open).
 *
 * States: `autocommit` (nothing held between statements), `deferred` (BEGIN done, no snapshot yet: it is
 * taken at the first read, not at BEGIN), `reading` (a read snapshot), `writing` (the write lock; its view is
 * the newest committed state plus its own writes). COMMIT never waits for readers in WAL mode.
 */
import { and, setup } from 'xstate';
import type { ConnectionContext, ConnectionEvent } from './connection-events.js';
import { INITIAL_CONTEXT } from './connection-events.js';
import {
  answerBusy,
  answerBusySnapshot,
  answerMisuse,
  answerOk,
  answerRead,
  discardOwn,
  publishAutocommitWrite,
  publishOwn,
  recordWrite,
} from './connection-actions.js';
import { connectionAssign } from './connection-actions.js';

export const WAL_STATES = ['autocommit', 'deferred', 'reading', 'writing'] as const;
export type WalState = (typeof WAL_STATES)[number];

const BUSY_WAITED = { type: 'answerBusy', params: { wouldWait: true } } as const;
const BUSY_AT_ONCE = { type: 'answerBusy', params: { wouldWait: false } } as const;

export const walConnectionMachine = setup({
  types: {
    context: {} as ConnectionContext,
    events: {} as ConnectionEvent,
  },
  guards: {
    /** The WAL write lock is one at a time. */
    canAcquireWriteLock: ({ event }) => !event.view.othersHoldWriteLock,
    /** No commit has landed since this transaction's snapshot was taken. */
    isSnapshotFresh: ({ context, event }) => context.snapshotVersion === event.view.version,
    isDeferredBegin: ({ event }) => event.type === 'BEGIN' && event.mode === 'deferred',
  },
  actions: {
    answerOk,
    answerRead,
    recordWrite,
    publishAutocommitWrite,
    publishOwn,
    discardOwn,
    answerBusy,
    answerBusySnapshot,
    answerMisuse,
    /** Start a read transaction on the newest committed state. */
    takeSnapshot: connectionAssign(({ event }) => ({
      snapshot: event.view.committed,
      snapshotVersion: event.view.version,
    })),
  },
}).createMachine({
  id: 'walConnection',
  context: INITIAL_CONTEXT,
  initial: 'autocommit',
  states: {
    autocommit: {
      on: {
        BEGIN: [
          { guard: 'isDeferredBegin', target: 'deferred', actions: 'answerOk' },
          // IMMEDIATE and EXCLUSIVE: a snapshot of the newest state and the write lock, at once.
          { guard: 'canAcquireWriteLock', target: 'writing', actions: ['takeSnapshot', 'answerOk'] },
          { actions: BUSY_WAITED },
        ],
        // An autocommit read sees the newest committed state and never meets a lock here.
        READ: { actions: { type: 'answerRead', params: { base: 'committed' } } },
        WRITE: [{ guard: 'canAcquireWriteLock', actions: 'publishAutocommitWrite' }, { actions: BUSY_WAITED }],
        COMMIT: { actions: 'answerMisuse' },
        ROLLBACK: { actions: 'answerMisuse' },
      },
    },
    deferred: {
      on: {
        // BEGIN IMMEDIATE/EXCLUSIVE inside a transaction take the write lock before reporting "cannot start a
        // transaction within a transaction" (observed; OP_Transaction runs before OP_AutoCommit).
        BEGIN: [
          { guard: 'isDeferredBegin', actions: 'answerMisuse' },
          { guard: 'canAcquireWriteLock', target: 'writing', actions: ['takeSnapshot', 'answerMisuse'] },
          { actions: BUSY_WAITED },
        ],
        // The snapshot is taken here, at the first read.
        READ: { target: 'reading', actions: ['takeSnapshot', { type: 'answerRead', params: { base: 'snapshot' } }] },
        // A first statement that writes opens the read and the write transaction together; the busy handler
        // is invoked because no read transaction was open.
        WRITE: [
          {
            guard: 'canAcquireWriteLock',
            target: 'writing',
            actions: ['takeSnapshot', { type: 'recordWrite', params: { base: 'snapshot' } }],
          },
          { actions: BUSY_WAITED },
        ],
        COMMIT: { target: 'autocommit', actions: 'discardOwn' },
        ROLLBACK: { target: 'autocommit', actions: 'discardOwn' },
      },
    },
    reading: {
      on: {
        // The same upgrade as a WRITE from a read transaction, answered SQLITE_ERROR when it succeeds.
        BEGIN: [
          { guard: 'isDeferredBegin', actions: 'answerMisuse' },
          { guard: and(['canAcquireWriteLock', 'isSnapshotFresh']), target: 'writing', actions: 'answerMisuse' },
          { guard: 'canAcquireWriteLock', actions: 'answerBusySnapshot' },
          { actions: BUSY_AT_ONCE },
        ],
        READ: { actions: { type: 'answerRead', params: { base: 'snapshot' } } },
        // Upgrading a read transaction: the write lock is tried first (busy at once if taken), then the
        // snapshot must still be the newest (else SQLITE_BUSY_SNAPSHOT, at once, and the transaction stays
        // open and stale: only ROLLBACK helps).
        WRITE: [
          {
            guard: and(['canAcquireWriteLock', 'isSnapshotFresh']),
            target: 'writing',
            actions: { type: 'recordWrite', params: { base: 'snapshot' } },
          },
          { guard: 'canAcquireWriteLock', actions: 'answerBusySnapshot' },
          { actions: BUSY_AT_ONCE },
        ],
        COMMIT: { target: 'autocommit', actions: 'discardOwn' },
        ROLLBACK: { target: 'autocommit', actions: 'discardOwn' },
      },
    },
    writing: {
      on: {
        BEGIN: { actions: 'answerMisuse' },
        // The writer's snapshot is the newest state (nobody else can commit), plus its own writes.
        READ: { actions: { type: 'answerRead', params: { base: 'snapshot' } } },
        WRITE: { actions: { type: 'recordWrite', params: { base: 'snapshot' } } },
        COMMIT: { target: 'autocommit', actions: 'publishOwn' },
        ROLLBACK: { target: 'autocommit', actions: 'discardOwn' },
      },
    },
  },
});
