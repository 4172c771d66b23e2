/**
 * One caller of the interpreter's execution path for one operation (seed 000, VoxLogicA-2), as its code runs:
 * each state names the next step the actor takes (one SQL statement or one touch of shared memory), and the
 * answer of that step is the event.
 *
 * A worker runs `_execute_operation`: look the result up; claim the operation (`mark_running`: INSERT OR
 * IGNORE with its own id, then read the row back to see whose claim won); the winner executes, stores the
 * result and (in the fixed code only) marks the operation completed; a loser that reads `completed` fetches
 * the result, one that reads `running` calls `wait_for_completion`. A late waiter calls `wait_for_completion`
 * directly. A late worker is a process started after the stale-claim threshold: it first deletes stale
 * claims, then runs the worker's path.
 *
 * wait_for_completion has two designs. `callbacks` (the redesign): register a callback that sets a fresh
 * event, wait on that event (the notification thread fires the callbacks when it polls and sees the row
 * completed), then fetch. `event` (the first design): get or create the per-operation event, wait on it, and
 * in a `finally` remove the operation's event from the table, then fetch; store() sets the table's event.
 */
import { assign, setup } from 'xstate';
import type { LifecycleRole } from './lifecycle.observation.js';

export type WaitDesign = 'callbacks' | 'event';

export interface OperationActorInput {
  readonly role: LifecycleRole;
  readonly design: WaitDesign;
  /** The fixed code: mark_completed right after store. */
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
  | { readonly type: 'CLAIM_TAKEN'; readonly status: 'running' | 'completed' }
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
    usesEventTable: ({ context }) => context.design === 'event',
    marksCompleted: ({ context }) => context.marksCompleted,
    stallsAfterClaim: ({ context }) => context.stallsAfterClaim,
    sawCompleted: ({ event }) => event.type === 'CLAIM_TAKEN' && event.status === 'completed',
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
    /** Startup of a new process: DELETE the claims older than the stale threshold. */
    cleaningStale: { on: { OK: 'lookingUp' } },
    /** exists(): SELECT the result. */
    lookingUp: { on: { RESULT_FOUND: 'done', RESULT_MISSING: 'claiming' } },
    /** mark_running, first half: INSERT OR IGNORE the claim with my id. */
    claiming: { on: { OK: 'readingBack' } },
    /** mark_running, second half: read the row back. */
    readingBack: {
      on: {
        CLAIM_MINE: [{ guard: 'stallsAfterClaim', target: 'stalling' }, { target: 'executing' }],
        CLAIM_TAKEN: [{ guard: 'sawCompleted', target: 'fetching' }, { target: 'enteringWait' }],
      },
    },
    /** The fault stall-after-claim: asleep (a long pause, a swapped-out process) with the claim in the row. */
    stalling: { on: { OK: 'executing' } },
    executing: { on: { OK: 'storing', CRASH: 'crashed' } },
    /** store(): INSERT the result. */
    storing: { on: { OK: [{ guard: 'usesEventTable', target: 'notifying' }, { guard: 'marksCompleted', target: 'markingCompleted' }, { target: 'done' }] } },
    /** store(), first design: _notify_completion sets the operation's event, if the table has one. */
    notifying: { on: { OK: [{ guard: 'marksCompleted', target: 'markingCompleted' }, { target: 'done' }] } },
    markingCompleted: { on: { OK: 'done' } },
    /** retrieve(): SELECT the result. */
    fetching: { on: { RESULT_FOUND: 'done', RESULT_MISSING: 'notFound' } },
    /** Transient: which wait_for_completion this code has. */
    enteringWait: { always: [{ guard: 'usesEventTable', target: 'gettingEvent' }, { target: 'registering' }] },
    /** callbacks design: append a callback that sets my fresh event. */
    registering: { on: { OK: 'waiting' } },
    /** event design: the operation's event from the table, created if absent. */
    gettingEvent: { on: { OK: 'waiting' } },
    waiting: {
      on: {
        EVENT_SET: [{ guard: 'usesEventTable', target: 'cleaningUp', actions: 'rememberWoke' }, { target: 'fetching' }],
        TIMED_OUT: [{ guard: 'usesEventTable', target: 'cleaningUp', actions: 'rememberTimeout' }, { target: 'timedOut' }],
      },
    },
    /** event design, the finally block: pop the operation's event from the table (whichever it is now). */
    cleaningUp: { on: { OK: [{ guard: 'woke', target: 'fetching' }, { target: 'timedOut' }] } },
    done: { type: 'final' },
    timedOut: { type: 'final' },
    notFound: { type: 'final' },
    crashed: { type: 'final' },
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
  | 'storing'
  | 'notifying'
  | 'markingCompleted'
  | 'fetching'
  | 'enteringWait'
  | 'registering'
  | 'gettingEvent'
  | 'waiting'
  | 'cleaningUp'
  | 'done'
  | 'timedOut'
  | 'notFound'
  | 'crashed';
