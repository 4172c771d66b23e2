/**
 * One thread of seed 004 (luca-nrw-scraper @ fe4afe5) running its program of calls (thread-program.ts) on its
 * own reused connection in Python's default sqlite3 mode ("legacy"), as the code runs. Each state names the
 * thread's next step: a statement (whose answer is the event), the injected fault, or a sleep (WOKE).
 *
 * Python's legacy mode, as CPython's sqlite3 module implements it (Modules/_sqlite/cursor.c): before a statement
 * whose first keyword is INSERT, UPDATE, DELETE or REPLACE, when the connection has no transaction open, it
 * sends BEGIN (`isolation_level`: '' gives a deferred BEGIN, 'IMMEDIATE' a BEGIN IMMEDIATE); never before a
 * SELECT; and it never rolls back when a statement fails. `commit()` sends COMMIT only when a transaction is
 * open. So a write that fails leaves its transaction open, and the thread's next use of the connection (which
 * `get_db_connection` keeps for the thread's whole life) starts inside it.
 *
 * The retry decorator (`with_db_retry`) runs the whole function again when "locked" appears in the error,
 * sleeping 0.1 s, 0.2 s, ... between attempts, and raises the last error after `maxAttempts`. What
 * `get_db_connection` does when the block ends is the connection policy (the variants):
 * - `legacy` (upstream): nothing: no COMMIT, no ROLLBACK, the connection is kept;
 * - `rollbackOnError`: it rolls back when an exception leaves the block (so before the decorator retries);
 * - `rollbackOnExit`: it rolls back whatever transaction is still open when the block ends, however it ends;
 * - `begin: 'immediate'`: Python's implicit BEGIN is BEGIN IMMEDIATE (`isolation_level='IMMEDIATE'`).
 */
import { and, assign, setup } from 'xstate';
import type { CallRecord, CallResult } from './leaked-transaction.observation.js';
import type { Call, CallKind } from './thread-program.js';

export interface ConnectionPolicy {
  /** The BEGIN Python sends before a write when no transaction is open. */
  readonly begin: 'deferred' | 'immediate';
  /** get_db_connection rolls back when an exception leaves the block. */
  readonly rollbackOnError: boolean;
  /** get_db_connection rolls back whatever is still open when the block ends, however it ends. */
  readonly rollbackOnExit: boolean;
}

export interface LegacyThreadInput {
  readonly program: readonly Call[];
  readonly policy: ConnectionPolicy;
  /** with_db_retry's max_retries: attempts in all. */
  readonly maxAttempts: number;
  /** with_db_retry's first delay (ms); it doubles after each failed attempt. */
  readonly baseDelayMs: number;
}

export interface LegacyThreadContext extends LegacyThreadInput {
  /** Index of the current call in the program. */
  readonly pc: number;
  /** The decorator's attempt at the current call (1-based). */
  readonly attempt: number;
  /** Whether the connection has a transaction open, as it answered the last statement. */
  readonly inTransaction: boolean;
  /** The planned sleep, while backing off. */
  readonly delayMs: number;
  /** The code of the error the current call met ('injected' for the fault), null while none. */
  readonly error: string | null;
  /** Steps taken in the current call (0: the thread is between calls). */
  readonly stepsInCall: number;
  readonly calls: readonly CallRecord[];
}

export type LegacyThreadEvent =
  | { readonly type: 'SQL_OK'; readonly inTransaction: boolean }
  | { readonly type: 'SQL_FAILED'; readonly code: string; readonly inTransaction: boolean }
  | { readonly type: 'FAULT' }
  | { readonly type: 'WOKE' };

export type LegacyThreadState =
  | 'beginning'
  | 'upserting'
  | 'updating'
  | 'committing'
  | 'selecting'
  | 'rollingBackOnError'
  | 'rollingBackOnExit'
  | 'backingOff'
  | 'working'
  | 'batchBeginning'
  | 'batchWriting'
  | 'batchWorking'
  | 'batchCommitting'
  | 'batchRollingBack'
  | 'done';

/** The call the thread is in (or about to start). */
export function currentCall(context: LegacyThreadContext): Call | undefined {
  return context.program[context.pc];
}

/** "database is locked": what with_db_retry's `"locked" in str(e)` matches (SQLITE_BUSY and its extended codes). */
export const isLockError = (code: string | null): boolean => code !== null && (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_'));

const DECORATED: readonly CallKind[] = ['record', 'report'];

const callIs = (kind: CallKind) => ({ type: 'callIs', params: { kind } }) as const;
const endCall = (result: CallResult) => ({ type: 'endCall', params: { result } }) as const;
const STEP_FAILED = { target: 'failing', actions: ['noteStep', 'recordError'] } as const;

export const legacyThreadMachine = setup({
  types: {
    context: {} as LegacyThreadContext,
    events: {} as LegacyThreadEvent,
    input: {} as LegacyThreadInput,
  },
  guards: {
    programDone: ({ context }) => context.pc >= context.program.length,
    callIs: ({ context }, params: { kind: CallKind }) => currentCall(context)?.kind === params.kind,
    hasOpenTransaction: ({ context }) => context.inTransaction,
    /** An error that leaves a decorated call, with attempts left: the decorator sleeps and runs it again. */
    canRetry: ({ context }) => {
      const call = currentCall(context);
      return call !== undefined && DECORATED.includes(call.kind) && isLockError(context.error) && context.attempt < context.maxAttempts;
    },
    rollsBackOnError: ({ context }) => (context.policy.rollbackOnError || context.policy.rollbackOnExit) && context.inTransaction,
    rollsBackOnExit: ({ context }) => context.policy.rollbackOnExit && context.inTransaction,
    metAnError: ({ context }) => context.error !== null,
  },
  actions: {
    noteStep: assign(({ context, event }) => ({
      stepsInCall: context.stepsInCall + 1,
      inTransaction: event.type === 'SQL_OK' || event.type === 'SQL_FAILED' ? event.inTransaction : context.inTransaction,
    })),
    recordError: assign({ error: ({ event }) => (event.type === 'SQL_FAILED' ? event.code : 'injected') }),
    planBackoff: assign({ delayMs: ({ context }) => context.baseDelayMs * 2 ** (context.attempt - 1) }),
    startNextAttempt: assign({ attempt: ({ context }) => context.attempt + 1, delayMs: 0, error: null }),
    endCall: assign(({ context }, params: { result: CallResult }) => ({
      calls: [...context.calls, { call: currentCall(context)!.kind, result: params.result, error: params.result === 'ok' ? null : context.error }],
      pc: context.pc + 1,
      attempt: 1,
      delayMs: 0,
      error: null,
      stepsInCall: 0,
    })),
  },
}).createMachine({
  id: 'legacyThread',
  context: ({ input }) => ({ ...input, pc: 0, attempt: 1, inTransaction: false, delayMs: 0, error: null, stepsInCall: 0, calls: [] }),
  initial: 'dispatching',
  states: {
    /** Picks the first step of the next call. */
    dispatching: {
      always: [
        { guard: 'programDone', target: 'done' },
        { guard: callIs('work'), target: 'working' },
        { guard: callIs('report'), target: 'selecting' },
        { guard: callIs('long-transaction'), target: 'batchBeginning' },
        // record, update-pattern: Python sends BEGIN first unless a transaction is already open.
        { guard: 'hasOpenTransaction', target: 'upserting' },
        { target: 'beginning' },
      ],
    },
    /** Python's implicit BEGIN before the first write. */
    beginning: {
      on: { SQL_OK: { target: 'upserting', actions: 'noteStep' }, SQL_FAILED: STEP_FAILED },
    },
    upserting: {
      on: {
        SQL_OK: [
          { guard: callIs('update-pattern'), target: 'updating', actions: 'noteStep' },
          { target: 'committing', actions: 'noteStep' },
        ],
        SQL_FAILED: STEP_FAILED,
      },
    },
    /** _update_pattern's UPDATE of the confidence score (where the fault, when injected, raises). */
    updating: {
      on: { SQL_OK: { target: 'committing', actions: 'noteStep' }, SQL_FAILED: STEP_FAILED, FAULT: STEP_FAILED },
    },
    committing: {
      on: { SQL_OK: { target: 'leaving', actions: 'noteStep' }, SQL_FAILED: STEP_FAILED },
    },
    selecting: {
      on: { SQL_OK: { target: 'leaving', actions: 'noteStep' }, SQL_FAILED: STEP_FAILED },
    },
    /** An error was raised in the block. */
    failing: {
      always: [
        // _update_pattern: `except Exception: pass` inside the block, so the block ends normally.
        { guard: callIs('update-pattern'), target: 'leaving' },
        { guard: and([callIs('long-transaction'), 'hasOpenTransaction']), target: 'batchRollingBack' },
        { guard: 'rollsBackOnError', target: 'rollingBackOnError' },
        { target: 'deciding' },
      ],
    },
    rollingBackOnError: {
      on: { SQL_OK: { target: 'deciding', actions: 'noteStep' }, SQL_FAILED: { target: 'deciding', actions: 'noteStep' } },
    },
    /** The error has left the block: the decorator retries, or it reaches the caller (who logs it). */
    deciding: {
      always: [
        { guard: 'canRetry', target: 'backingOff', actions: 'planBackoff' },
        { target: 'dispatching', actions: endCall('failed') },
      ],
    },
    backingOff: {
      on: { WOKE: { target: 'retrying', actions: ['noteStep', 'startNextAttempt'] } },
    },
    /** The decorator calls the function again: the same connection, in whatever state the last attempt left it. */
    retrying: {
      always: [{ guard: callIs('report'), target: 'selecting' }, { guard: 'hasOpenTransaction', target: 'upserting' }, { target: 'beginning' }],
    },
    /** The block ends normally (its work done, or its error swallowed). */
    leaving: {
      always: [
        { guard: 'rollsBackOnExit', target: 'rollingBackOnExit' },
        { guard: 'metAnError', target: 'dispatching', actions: endCall('swallowed') },
        { target: 'dispatching', actions: endCall('ok') },
      ],
    },
    rollingBackOnExit: {
      on: { SQL_OK: { target: 'closing', actions: 'noteStep' }, SQL_FAILED: { target: 'closing', actions: 'noteStep' } },
    },
    closing: {
      always: [{ guard: 'metAnError', target: 'dispatching', actions: endCall('swallowed') }, { target: 'dispatching', actions: endCall('ok') }],
    },
    working: {
      on: { WOKE: { target: 'dispatching', actions: ['noteStep', endCall('ok')] } },
    },
    batchBeginning: {
      on: { SQL_OK: { target: 'batchWriting', actions: 'noteStep' }, SQL_FAILED: STEP_FAILED },
    },
    batchWriting: {
      on: { SQL_OK: { target: 'batchWorking', actions: 'noteStep' }, SQL_FAILED: STEP_FAILED },
    },
    batchWorking: {
      on: { WOKE: { target: 'batchCommitting', actions: 'noteStep' } },
    },
    batchCommitting: {
      on: { SQL_OK: { target: 'dispatching', actions: ['noteStep', endCall('ok')] }, SQL_FAILED: STEP_FAILED },
    },
    batchRollingBack: {
      on: {
        SQL_OK: { target: 'dispatching', actions: ['noteStep', endCall('failed')] },
        SQL_FAILED: { target: 'dispatching', actions: ['noteStep', endCall('failed')] },
      },
    },
    done: { type: 'final' },
  },
});
