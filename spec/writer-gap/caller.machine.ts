/**
 * One caller of the storage backend (seed 001, VoxLogicA-2), as its code runs; each state names the next step
 * (one SQL statement or one access to the memory cache or the write queue) and the answer is the event.
 *
 * A worker runs execute_operation: claim the operation (INSERT OR IGNORE into execution_state); the winner
 * computes the result, store()s it and marks it completed; a loser waits for completion and retrieves the
 * result. The late reader only waits and retrieves (a later operation that needs this one's value).
 *
 * store(): the fixed backends put the result in the memory cache first, then queue the database write; the
 * shipped backend only queues it. retrieve(): two reads, memory then database (or database then memory), and
 * "completed but result not found" when both miss.
 *
 * Waiting (wait_for_completion), two ways:
 * - `notifier` (the seed's redesign, the default): register a callback (one step), then wait on the event that
 *   callback sets. The notification thread (notifier.machine.ts) fires the callback; the caller is parked until
 *   then (the model delivers FIRED as part of the notifier's step), and its wait returns at its next step
 *   ('woken'), after which it retrieves.
 * - `poll` (the loop the redesign replaced): SELECT status until it reads completed. A caller that saw the status
 *   not completed is parked; the model lets it poll again only once the status is completed (the poll that
 *   finally succeeds), so a run is finite and no poll that changes nothing is explored.
 */
import { assign, setup } from 'xstate';

/** Which store the first read of retrieve() looks in. */
export type RetrieveOrder = 'memory-first' | 'db-first';

/** How wait_for_completion learns that the operation completed: a callback fired by the notifier, or its own polls. */
export type WakeMode = 'notifier' | 'poll';

export interface CallerInput {
  /** Workers claim the operation; the late reader does not. */
  readonly claims: boolean;
  /** store() puts the result in the memory cache before queueing the database write. */
  readonly cacheBeforeQueue: boolean;
  readonly order: RetrieveOrder;
  readonly wake: WakeMode;
}

export interface CallerContext extends CallerInput {
  readonly executed: boolean;
  readonly notFound: boolean;
}

export type CallerEvent =
  | { readonly type: 'CLAIMED' }
  | { readonly type: 'CLAIM_LOST' }
  | { readonly type: 'DONE' }
  | { readonly type: 'STATUS'; readonly completed: boolean }
  | { readonly type: 'FIRED' }
  | { readonly type: 'WOKEN' }
  | { readonly type: 'HIT' }
  | { readonly type: 'MISS' };

export const callerMachine = setup({
  types: {
    context: {} as CallerContext,
    events: {} as CallerEvent,
    input: {} as CallerInput,
  },
  guards: {
    isWorker: ({ context }) => context.claims,
    waitsForCallback: ({ context }) => context.wake === 'notifier',
    cachesBeforeQueue: ({ context }) => context.cacheBeforeQueue,
    sawCompleted: ({ event }) => event.type === 'STATUS' && event.completed,
  },
  actions: {
    recordExecuted: assign({ executed: () => true }),
    recordNotFound: assign({ notFound: () => true }),
  },
}).createMachine({
  id: 'caller',
  context: ({ input }) => ({ ...input, executed: false, notFound: false }),
  initial: 'starting',
  states: {
    starting: {
      always: [{ guard: 'isWorker', target: 'claiming' }, { guard: 'waitsForCallback', target: 'registering' }, { target: 'checkingStatus' }],
    },
    claiming: {
      on: {
        CLAIMED: [
          { guard: 'cachesBeforeQueue', target: 'caching', actions: 'recordExecuted' },
          { target: 'enqueueing', actions: 'recordExecuted' },
        ],
        CLAIM_LOST: [{ guard: 'waitsForCallback', target: 'registering' }, { target: 'checkingStatus' }],
      },
    },
    caching: { on: { DONE: 'enqueueing' } },
    enqueueing: { on: { DONE: 'markingCompleted' } },
    markingCompleted: { on: { DONE: 'executed' } },
    /** Appends a callback that sets this caller's event to the operation's callbacks. */
    registering: { on: { DONE: 'parked' } },
    /** Waiting on the event; not a step: the notifier's poll fires the callback. */
    parked: { on: { FIRED: 'woken' } },
    /** The event is set; the wait returns at the caller's next step. */
    woken: { on: { WOKEN: 'readingFirst' } },
    checkingStatus: {
      on: { STATUS: [{ guard: 'sawCompleted', target: 'readingFirst' }, { target: 'waiting' }] },
    },
    waiting: {
      on: { STATUS: [{ guard: 'sawCompleted', target: 'readingFirst' }, { target: 'waiting', reenter: true }] },
    },
    readingFirst: { on: { HIT: 'retrieved', MISS: 'readingSecond' } },
    readingSecond: { on: { HIT: 'retrieved', MISS: { target: 'notFound', actions: 'recordNotFound' } } },
    executed: { type: 'final' },
    retrieved: { type: 'final' },
    notFound: { type: 'final' },
  },
});

export type CallerState =
  | 'starting'
  | 'claiming'
  | 'caching'
  | 'enqueueing'
  | 'markingCompleted'
  | 'registering'
  | 'parked'
  | 'woken'
  | 'checkingStatus'
  | 'waiting'
  | 'readingFirst'
  | 'readingSecond'
  | 'executed'
  | 'retrieved'
  | 'notFound';
