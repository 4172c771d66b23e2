/**
 * One connection to a database in rollback-journal mode (journal_mode=DELETE): its transaction and its rung
 * on SQLite's lock ladder UNLOCKED < SHARED < RESERVED < PENDING < EXCLUSIVE.
 *
 * Sources: https://sqlite.org/lockingv3.html (the ladder and which locks may be held together),
 * https://sqlite.org/lang_transaction.html (BEGIN modes; COMMIT and ROLLBACK with no transaction),
 * https://sqlite.org/c3ref/busy_handler.html and btree.c sqlite3BtreeBeginTrans (the busy handler is retried
 * only while the connection has no read transaction open), pager.c pager_wait_on_lock and pagerLockDb.
 *
 * States name the lock held between statements. `autocommit` holds nothing (an autocommit statement takes and
 * drops its locks within the call); every other state is an open transaction. Guards read the other
 * connections' locks from the event's view; `wouldWait` on a busy answer says whether SQLite's busy handler
 * would have been invoked (true exactly when the connection had no read transaction open, or when COMMIT
 * waits for readers to leave).
 */
import { and, not, setup } from 'xstate';
import type { ConnectionContext, ConnectionEvent } from './connection-events.js';
import { INITIAL_CONTEXT } from './connection-events.js';
import {
  answerBusy,
  answerMisuse,
  answerOk,
  answerRead,
  discardOwn,
  publishAutocommitWrite,
  publishOwn,
  recordWrite,
} from './connection-actions.js';

export type RollbackLock = 'none' | 'shared' | 'reserved' | 'pending' | 'exclusive';

/** The lock each state holds, for the world's arbitration. */
export const ROLLBACK_LOCK_OF_STATE = {
  autocommit: 'none',
  deferred: 'none',
  shared: 'shared',
  reserved: 'reserved',
  pending: 'pending',
  pendingRead: 'pending',
  exclusive: 'exclusive',
} as const satisfies Record<string, RollbackLock>;

export type RollbackState = keyof typeof ROLLBACK_LOCK_OF_STATE;

const BUSY_WAITED = { type: 'answerBusy', params: { wouldWait: true } } as const;
const BUSY_AT_ONCE = { type: 'answerBusy', params: { wouldWait: false } } as const;
const READ_COMMITTED = { type: 'answerRead', params: { base: 'committed' } } as const;
const WRITE_OVER_COMMITTED = { type: 'recordWrite', params: { base: 'committed' } } as const;

export const rollbackConnectionMachine = setup({
  types: {
    context: {} as ConnectionContext,
    events: {} as ConnectionEvent,
  },
  guards: {
    /** SHARED is refused while another connection holds PENDING or EXCLUSIVE (lockingv3.html §3.0). */
    canAcquireShared: ({ event }) => !event.view.othersHoldPending,
    /** RESERVED is one at a time: refused while another holds RESERVED, PENDING or EXCLUSIVE. */
    canAcquireReserved: ({ event }) => !event.view.othersHoldReserved,
    /** EXCLUSIVE needs every other connection to hold nothing (no SHARED left, no RESERVED). */
    canAcquireExclusive: ({ event }) => !event.view.othersHoldShared,
    isDeferredBegin: ({ event }) => event.type === 'BEGIN' && event.mode === 'deferred',
    isImmediateBegin: ({ event }) => event.type === 'BEGIN' && event.mode === 'immediate',
    isExclusiveBegin: ({ event }) => event.type === 'BEGIN' && event.mode === 'exclusive',
    /** BEGIN IMMEDIATE or EXCLUSIVE: statements that take a lock before they look at the transaction state. */
    isLockingBegin: ({ event }) => event.type === 'BEGIN' && event.mode !== 'deferred',
    hasOwnWrites: ({ context }) => Object.keys(context.own).length > 0,
  },
  actions: {
    answerOk,
    answerRead,
    recordWrite,
    publishAutocommitWrite,
    publishOwn,
    discardOwn,
    answerBusy,
    answerMisuse,
  },
}).createMachine({
  id: 'rollbackConnection',
  context: INITIAL_CONTEXT,
  initial: 'autocommit',
  states: {
    autocommit: {
      on: {
        BEGIN: [
          // BEGIN DEFERRED takes no lock until the first statement (lang_transaction.html).
          { guard: 'isDeferredBegin', target: 'deferred', actions: 'answerOk' },
          // BEGIN IMMEDIATE takes RESERVED at once.
          { guard: and(['isImmediateBegin', 'canAcquireReserved']), target: 'reserved', actions: 'answerOk' },
          // BEGIN EXCLUSIVE takes EXCLUSIVE at once; readers are refused from then on.
          { guard: and(['isExclusiveBegin', 'canAcquireExclusive']), target: 'exclusive', actions: 'answerOk' },
          // Refused: no transaction was open, so the busy handler would have been invoked; none is left open.
          { actions: BUSY_WAITED },
        ],
        // An autocommit SELECT takes SHARED for the call.
        READ: [{ guard: 'canAcquireShared', actions: READ_COMMITTED }, { actions: BUSY_WAITED }],
        // An autocommit UPDATE needs RESERVED and then EXCLUSIVE to commit: nobody else may hold anything.
        // Refused, the statement is rolled back and no transaction is left open.
        WRITE: [{ guard: 'canAcquireExclusive', actions: 'publishAutocommitWrite' }, { actions: BUSY_WAITED }],
        // "cannot commit/rollback - no transaction is active".
        COMMIT: { actions: 'answerMisuse' },
        ROLLBACK: { actions: 'answerMisuse' },
      },
    },
    deferred: {
      on: {
        // BEGIN inside a transaction is "cannot start a transaction within a transaction", but BEGIN IMMEDIATE
        // and EXCLUSIVE take their lock first (OP_Transaction runs before OP_AutoCommit in the compiled
        // statement): if the lock is free it is taken and kept, and the answer is SQLITE_ERROR; if not, the
        // answer is SQLITE_BUSY, waited for since no read transaction was open yet. Observed, see
        // impl/lock-step/OBSERVATIONS.md.
        BEGIN: [
          { guard: 'isDeferredBegin', actions: 'answerMisuse' },
          { guard: and(['isImmediateBegin', 'canAcquireShared', 'canAcquireReserved']), target: 'reserved', actions: 'answerMisuse' },
          { guard: and(['isExclusiveBegin', 'canAcquireExclusive']), target: 'exclusive', actions: 'answerMisuse' },
          { actions: BUSY_WAITED },
        ],
        // The first statement of a deferred transaction opens the read transaction: the busy handler is invoked.
        READ: [{ guard: 'canAcquireShared', target: 'shared', actions: READ_COMMITTED }, { actions: BUSY_WAITED }],
        WRITE: [
          { guard: 'canAcquireReserved', target: 'reserved', actions: WRITE_OVER_COMMITTED },
          { actions: BUSY_WAITED },
        ],
        COMMIT: { target: 'autocommit', actions: 'discardOwn' },
        ROLLBACK: { target: 'autocommit', actions: 'discardOwn' },
      },
    },
    shared: {
      on: {
        // As in `deferred`, but this transaction has read: RESERVED is refused at once (no busy handler), while
        // EXCLUSIVE (which needs the others' SHARED gone) is waited for and, refused, leaves PENDING held by a
        // transaction that has still written nothing (`pendingRead`).
        BEGIN: [
          { guard: 'isDeferredBegin', actions: 'answerMisuse' },
          { guard: not('canAcquireReserved'), actions: BUSY_AT_ONCE },
          { guard: 'isImmediateBegin', target: 'reserved', actions: 'answerMisuse' },
          { guard: 'canAcquireExclusive', target: 'exclusive', actions: 'answerMisuse' },
          { target: 'pendingRead', actions: BUSY_WAITED },
        ],
        // Nobody commits while this SHARED is held, so the committed state is this transaction's view.
        READ: { actions: READ_COMMITTED },
        // A reader asking to become the writer: refused at once, the busy handler is NOT invoked (the writer
        // may be waiting for this very reader to leave; btree.c only retries when no transaction is open).
        WRITE: [
          { guard: 'canAcquireReserved', target: 'reserved', actions: WRITE_OVER_COMMITTED },
          { actions: BUSY_AT_ONCE },
        ],
        COMMIT: { target: 'autocommit', actions: 'discardOwn' },
        ROLLBACK: { target: 'autocommit', actions: 'discardOwn' },
      },
    },
    reserved: {
      on: {
        // Already a write transaction: sqlite3BtreeBeginTrans returns at once, whatever the mode, so every
        // BEGIN here is only the "within a transaction" error and no lock changes.
        BEGIN: { actions: 'answerMisuse' },
        READ: { actions: READ_COMMITTED },
        WRITE: { actions: WRITE_OVER_COMMITTED },
        // COMMIT needs EXCLUSIVE even when nothing was written; it takes PENDING and waits for the readers.
        // Refused, the transaction stays open and keeps PENDING, which turns new readers away.
        COMMIT: [
          { guard: 'canAcquireExclusive', target: 'autocommit', actions: 'publishOwn' },
          { target: 'pending', actions: BUSY_WAITED },
        ],
        ROLLBACK: { target: 'autocommit', actions: 'discardOwn' },
      },
    },
    pending: {
      on: {
        BEGIN: { actions: 'answerMisuse' },
        READ: { actions: READ_COMMITTED },
        WRITE: { actions: WRITE_OVER_COMMITTED },
        COMMIT: [
          { guard: 'canAcquireExclusive', target: 'autocommit', actions: 'publishOwn' },
          { actions: BUSY_WAITED },
        ],
        ROLLBACK: { target: 'autocommit', actions: 'discardOwn' },
      },
    },
    /**
     * PENDING (with RESERVED) taken by a refused BEGIN EXCLUSIVE in a transaction that has only read: its
     * btree transaction is still a read transaction, so COMMIT just ends it, at once, whoever reads. A write
     * makes it a write transaction whose COMMIT needs EXCLUSIVE again.
     */
    pendingRead: {
      on: {
        BEGIN: [
          { guard: and(['isExclusiveBegin', 'canAcquireExclusive']), target: 'exclusive', actions: 'answerMisuse' },
          { guard: 'isExclusiveBegin', actions: BUSY_WAITED },
          { actions: 'answerMisuse' },
        ],
        READ: { actions: READ_COMMITTED },
        WRITE: { target: 'pending', actions: WRITE_OVER_COMMITTED },
        COMMIT: { target: 'autocommit', actions: 'discardOwn' },
        ROLLBACK: { target: 'autocommit', actions: 'discardOwn' },
      },
    },
    exclusive: {
      on: {
        BEGIN: { actions: 'answerMisuse' },
        READ: { actions: READ_COMMITTED },
        WRITE: { actions: WRITE_OVER_COMMITTED },
        COMMIT: { target: 'autocommit', actions: 'publishOwn' },
        ROLLBACK: { target: 'autocommit', actions: 'discardOwn' },
      },
    },
  },
});
