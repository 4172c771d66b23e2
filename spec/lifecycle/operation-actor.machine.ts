/**
 * One caller of the interpreter's execution path for one operation (seeds 000 and 001, VoxLogicA-2), as its code
 * runs: each state names the next step the actor takes (one SQL statement or one touch of memory shared between
 * threads), and the answer of that step is the event.
 *
 * Three versions of the code (`code`), all read from ../shared/seed-systems.md §1:
 *
 * - `write-up`: the path as the seed-000 write-up tells it. A worker looks the result up; claims the operation
 *   (`mark_running`: INSERT OR IGNORE with its own id, then read the row back to see whose claim won); the winner
 *   executes, stores the result and (in the fixed code only) marks the operation completed; a loser that reads
 *   `completed` fetches the result, one that reads anything else calls `wait_for_completion`. A late waiter calls
 *   `wait_for_completion` directly. The wait has two designs: `callbacks` (the write-up's sketch of the redesign:
 *   register a callback that sets a fresh event, wait on that event, then fetch) and `event` (one event per
 *   operation, got or created, waited on, and popped in a `finally`; store() sets it).
 * - `v1`: the redesign as committed at 02986bf. A loser always calls `wait_for_completion`, whatever the row
 *   says; the wait looks the result up first and returns it if it is there (`exists()`), raises if the row reads
 *   `failed`, and only then registers its callback; once woken it reads the status again (`failed`: raise) and
 *   fetches; after a timeout its `finally` removes its callback. store() looks the result up before it writes.
 *   (02986bf's store() hands the write to a background writer; that gap is the writer-gap scenario, and here the
 *   INSERT is the worker's own step, as 2451df0 and d3648d9 do it.)
 * - `v2`: 2451df0, the seed-001 fix. A loser looks the result up once more in `_wait_for_result`, then in
 *   `wait_for_completion` raises at once if the row reads `running` ("may produce non-persistable result"),
 *   raises on `failed`, registers and waits; once woken, if the row is completed but the result is nowhere, it
 *   deletes the operation's row ("stale completion state - cleaned up for retry") and raises. The winner stores
 *   synchronously, checks that the result is persisted, and only then marks the operation completed.
 *
 * A late worker is a process started after the stale-claim threshold: it first runs the stale-claim cleanup of
 * an engine start (the scenario decides what it does to the row), then the worker's path.
 */
import { assign, setup } from 'xstate';
import type { LifecycleRole } from './lifecycle.observation.js';

export type WaitDesign = 'callbacks' | 'event';

/** Which version of the execution path and of wait_for_completion the actor runs (see the file comment). */
export type LifecycleCode = 'write-up' | 'v1' | 'v2';

/** The operation's execution_state.status as a step reads it; `none` when there is no row. */
export type RowStatus = 'none' | 'running' | 'completed' | 'failed';

export interface OperationActorInput {
  readonly role: LifecycleRole;
  readonly code: LifecycleCode;
  readonly design: WaitDesign;
  /** mark_completed after store (write-up and v1: the fix; v2: when the result is persisted). */
  readonly marksCompleted: boolean;
  /** The fault crash-after-claim: this actor dies right after winning its claim, before it executes. */
  readonly crashesAfterClaim: boolean;
  /** The fault stall-after-claim: this actor stops for a while right after winning its claim, then goes on. */
  readonly stallsAfterClaim: boolean;
}

export interface OperationActorContext extends OperationActorInput {
  /** event design: whether the wait ended because the event was set (the finally block runs either way). */
  readonly woke: boolean;
}

export type OperationActorEvent =
  | { readonly type: 'OK' }
  | { readonly type: 'RESULT_FOUND' }
  | { readonly type: 'RESULT_MISSING' }
  | { readonly type: 'CLAIM_MINE' }
  | { readonly type: 'CLAIM_TAKEN'; readonly status: RowStatus }
  | { readonly type: 'STATUS'; readonly status: RowStatus }
  | { readonly type: 'CRASH' }
  | { readonly type: 'EVENT_SET' }
  | { readonly type: 'TIMED_OUT' };

export const operationActorMachine = setup({
  types: {
    context: {} as OperationActorContext,
    events: {} as OperationActorEvent,
    input: {} as OperationActorInput,
  },
  guards: {
    isLateWorker: ({ context }) => context.role === 'late-worker',
    isWaiter: ({ context }) => context.role === 'waiter',
    isWriteUp: ({ context }) => context.code === 'write-up',
    isV1: ({ context }) => context.code === 'v1',
    isV2: ({ context }) => context.code === 'v2',
    usesEventTable: ({ context }) => context.design === 'event',
    marksCompleted: ({ context }) => context.marksCompleted,
    stallsAfterClaim: ({ context }) => context.stallsAfterClaim,
    sawCompleted: ({ event }) => event.type === 'CLAIM_TAKEN' && event.status === 'completed',
    readRunning: ({ event }) => event.type === 'STATUS' && event.status === 'running',
    readFailed: ({ event }) => event.type === 'STATUS' && event.status === 'failed',
    woke: ({ context }) => context.woke,
  },
  actions: {
    rememberWoke: assign({ woke: () => true }),
    rememberTimeout: assign({ woke: () => false }),
  },
}).createMachine({
  id: 'operationActor',
  context: ({ input }) => ({ ...input, woke: false }),
  initial: 'start',
  states: {
    start: {
      always: [
        { guard: 'isLateWorker', target: 'cleaningStale' },
        { guard: 'isWaiter', target: 'enteringWait' },
        { target: 'lookingUp' },
      ],
    },
    /** Startup of a new process: the stale-claim cleanup of an engine start (the scenario's `cleanup`). */
    cleaningStale: { on: { OK: 'lookingUp' } },
    /** exists() and retrieve(): SELECT the result. */
    lookingUp: { on: { RESULT_FOUND: 'done', RESULT_MISSING: 'claiming' } },
    /** mark_running, first half: INSERT OR IGNORE the claim with my id. */
    claiming: { on: { OK: 'readingBack' } },
    /** mark_running, second half: read the row back. */
    readingBack: {
      on: {
        CLAIM_MINE: [{ guard: 'stallsAfterClaim', target: 'stalling' }, { target: 'executing' }],
        CLAIM_TAKEN: [
          { guard: 'isV2', target: 'awaitingLookUp' },
          { guard: 'isV1', target: 'enteringWait' },
          { guard: 'sawCompleted', target: 'fetching' },
          { target: 'enteringWait' },
        ],
      },
    },
    /** The fault stall-after-claim: asleep (a long pause, a swapped-out process) with the claim in the row. */
    stalling: { on: { OK: 'executing' } },
    executing: {
      on: {
        OK: [{ guard: 'isWriteUp', target: 'storing' }, { target: 'storeLookingUp' }],
        CRASH: 'crashed',
      },
    },
    /** v1, v2: store() first asks exists(): SELECT the result; if it is there, store() writes nothing. */
    storeLookingUp: {
      on: {
        RESULT_MISSING: 'storing',
        RESULT_FOUND: [{ guard: 'isV2', target: 'persistChecking' }, { guard: 'marksCompleted', target: 'markingCompleted' }, { target: 'done' }],
      },
    },
    /** store(): INSERT the result. */
    storing: {
      on: {
        OK: [
          { guard: 'usesEventTable', target: 'notifying' },
          { guard: 'isV2', target: 'persistChecking' },
          { guard: 'marksCompleted', target: 'markingCompleted' },
          { target: 'done' },
        ],
      },
    },
    /** v2: is_persistable(): SELECT the result; mark_completed only if it is in the database. */
    persistChecking: { on: { RESULT_FOUND: 'markingCompleted', RESULT_MISSING: 'done' } },
    /** store(), first design: _notify_completion sets the operation's event, if the table has one. */
    notifying: { on: { OK: [{ guard: 'marksCompleted', target: 'markingCompleted' }, { target: 'done' }] } },
    /** mark_completed: UPDATE the row to completed (no check of whose claim it is). */
    markingCompleted: { on: { OK: 'done' } },
    /** retrieve(): SELECT the result. */
    fetching: {
      on: {
        RESULT_FOUND: 'done',
        RESULT_MISSING: [{ guard: 'isV2', target: 'deletingStale' }, { target: 'notFound' }],
      },
    },
    /** v2: completed but the result is nowhere: DELETE the operation's row so that it can be run again. */
    deletingStale: { on: { OK: 'staleCleaned' } },
    /** v2, `_wait_for_result`: exists() before falling back to wait_for_completion. */
    awaitingLookUp: { on: { RESULT_FOUND: 'done', RESULT_MISSING: 'enteringWait' } },
    /** Transient: which wait_for_completion this code has. */
    enteringWait: {
      always: [
        { guard: 'isWriteUp', target: 'enteringWriteUpWait' },
        { target: 'waitLookingUp' },
      ],
    },
    enteringWriteUpWait: { always: [{ guard: 'usesEventTable', target: 'gettingEvent' }, { target: 'registering' }] },
    /** v1, v2: wait_for_completion starts with exists(): SELECT the result and return it if it is there. */
    waitLookingUp: {
      on: { RESULT_FOUND: 'done', RESULT_MISSING: [{ guard: 'isV2', target: 'checkingRunning' }, { target: 'checkingFailed' }] },
    },
    /** v2: SELECT status; `running` raises at once (another process may be computing a non-persistable result). */
    checkingRunning: { on: { STATUS: [{ guard: 'readRunning', target: 'refused' }, { target: 'checkingFailed' }] } },
    /** v1, v2: SELECT status; `failed` raises ("Operation failed"). */
    checkingFailed: { on: { STATUS: [{ guard: 'readFailed', target: 'failed' }, { target: 'registering' }] } },
    /** callbacks design: append a callback that sets my fresh event. */
    registering: { on: { OK: 'waiting' } },
    /** event design: the operation's event from the table, created if absent. */
    gettingEvent: { on: { OK: 'waiting' } },
    waiting: {
      on: {
        EVENT_SET: [
          { guard: 'usesEventTable', target: 'cleaningUp', actions: 'rememberWoke' },
          { guard: 'isWriteUp', target: 'fetching' },
          { target: 'rechecking' },
        ],
        TIMED_OUT: [
          { guard: 'usesEventTable', target: 'cleaningUp', actions: 'rememberTimeout' },
          { guard: 'isWriteUp', target: 'timedOut' },
          { target: 'unregistering' },
        ],
      },
    },
    /** v1, v2, once woken: SELECT status again; `failed` raises. */
    rechecking: { on: { STATUS: [{ guard: 'readFailed', target: 'failed' }, { target: 'fetching' }] } },
    /** v1, v2, the finally block after a timeout: remove my callback (after a wake the notifier already has). */
    unregistering: { on: { OK: 'timedOut' } },
    /** event design, the finally block: pop the operation's event from the table (whichever it is now). */
    cleaningUp: { on: { OK: [{ guard: 'woke', target: 'fetching' }, { target: 'timedOut' }] } },
    done: { type: 'final' },
    timedOut: { type: 'final' },
    notFound: { type: 'final' },
    crashed: { type: 'final' },
    /** Raised "Operation failed": the row reads failed. */
    failed: { type: 'final' },
    /** v2: raised at once because the row reads running. */
    refused: { type: 'final' },
    /** v2: raised after deleting a stale completion. */
    staleCleaned: { type: 'final' },
  },
});

export type OperationActorState =
  | 'start'
  | 'cleaningStale'
  | 'lookingUp'
  | 'claiming'
  | 'readingBack'
  | 'stalling'
  | 'executing'
  | 'storeLookingUp'
  | 'storing'
  | 'persistChecking'
  | 'notifying'
  | 'markingCompleted'
  | 'fetching'
  | 'deletingStale'
  | 'awaitingLookUp'
  | 'enteringWait'
  | 'enteringWriteUpWait'
  | 'waitLookingUp'
  | 'checkingRunning'
  | 'checkingFailed'
  | 'registering'
  | 'gettingEvent'
  | 'waiting'
  | 'rechecking'
  | 'unregistering'
  | 'cleaningUp'
  | 'done'
  | 'timedOut'
  | 'notFound'
  | 'crashed'
  | 'failed'
  | 'refused'
  | 'staleCleaned';
