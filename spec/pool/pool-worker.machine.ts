/**
 * One worker of the pool scenario (seeds 003 and 004: thread-local connections, a shared connection, a
 * connection pool with a maximum size). It gets a connection (from a bounded pool: `acquiring`, which waits
 * while every connection is checked out), then increments the counter in one transaction (BEGIN <mode>;
 * SELECT; UPDATE to the value read plus one; COMMIT) with no retry decorator: SQLite's busy timeout is the
 * only waiting. On an error the transaction context manager issues ROLLBACK if the connection is in a
 * transaction, and the error reaches the caller; the connection goes back to the pool when the unit ends.
 */
import { assign, setup } from 'xstate';

export type PoolBeginMode = 'deferred' | 'immediate';

export interface PoolWorkerInput {
  readonly mode: PoolBeginMode;
  /** The connection the worker owns from the start (thread-local, shared), or null when it must acquire one. */
  readonly conn: number | null;
}

export interface PoolWorkerContext extends PoolWorkerInput {
  readonly value: number | null;
  readonly error: string | null;
}

export type PoolWorkerEvent =
  | { readonly type: 'GOT_CONNECTION'; readonly conn: number }
  | { readonly type: 'SQL_OK'; readonly value?: number }
  | { readonly type: 'SQL_FAILED'; readonly code: string; readonly inTransaction: boolean };

export type PoolWorkerState = 'acquiring' | 'beginning' | 'reading' | 'writing' | 'committing' | 'rollingBack' | 'done' | 'failed';

const failOrRollBack = [
  { guard: 'hasOpenTransaction', target: 'rollingBack', actions: 'recordError' },
  { target: 'failed', actions: 'recordError' },
] as const;

export const poolWorkerMachine = setup({
  types: {
    context: {} as PoolWorkerContext,
    events: {} as PoolWorkerEvent,
    input: {} as PoolWorkerInput,
  },
  guards: {
    ownsConnection: ({ context }) => context.conn !== null,
    hasOpenTransaction: ({ event }) => event.type === 'SQL_FAILED' && event.inTransaction,
  },
  actions: {
    takeConnection: assign({ conn: ({ event, context }) => (event.type === 'GOT_CONNECTION' ? event.conn : context.conn) }),
    recordValue: assign({ value: ({ event }) => (event.type === 'SQL_OK' ? (event.value ?? null) : null) }),
    recordError: assign({ error: ({ event }) => (event.type === 'SQL_FAILED' ? event.code : null) }),
  },
}).createMachine({
  id: 'poolWorker',
  context: ({ input }) => ({ ...input, value: null, error: null }),
  initial: 'starting',
  states: {
    starting: {
      always: [{ guard: 'ownsConnection', target: 'beginning' }, { target: 'acquiring' }],
    },
    acquiring: { on: { GOT_CONNECTION: { target: 'beginning', actions: 'takeConnection' } } },
    beginning: { on: { SQL_OK: 'reading', SQL_FAILED: failOrRollBack } },
    reading: { on: { SQL_OK: { target: 'writing', actions: 'recordValue' }, SQL_FAILED: failOrRollBack } },
    writing: { on: { SQL_OK: 'committing', SQL_FAILED: failOrRollBack } },
    committing: { on: { SQL_OK: 'done', SQL_FAILED: failOrRollBack } },
    rollingBack: { on: { SQL_OK: 'failed', SQL_FAILED: 'failed' } },
    done: { type: 'final' },
    failed: { type: 'final' },
  },
});
