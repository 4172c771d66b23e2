/**
 * One caller of the storage backend (seed 001, VoxLogicA-2), as its code runs; each state names the next step
 * (one SQL statement or one access to the memory cache or the write queue) and the answer is the event.
 *
 * A worker runs execute_operation: claim the operation (INSERT OR IGNORE into execution_state); the winner
 * computes the result, store()s it and marks it completed; a loser waits for completion and retrieves the
 * result. The late reader only waits and retrieves (a later operation that needs this one's value).
 *
 * store(): the fixed backends put the result in the memory cache first, then queue the database write; the
 * queued backend (02986bf's store()) only queues it. retrieve(): two reads, database then memory (02986bf's order)
 * or memory then database (2451df0's), and
 * "completed but result not found" when both miss.
 *
 * The persisted variant runs 2451df0's path instead (`code: 'v2'`): look the result up (memory, then SQLite); look
 * for the claimant's future in the process's futures table and await it if it is there; claim. The winner
 * registers its future, looks the result up once more (store()'s exists()), puts it in memory, INSERTs it at once
 * on the shared connection (the synchronous persist: a failure is logged and the memory copy kept), checks that
 * the row is there (is_persistable), marks the operation completed only then, sets its future's result and
 * removes the future. A loser looks for the future again and awaits it; if it finds none it falls back to
 * `_wait_for_result` (the future once more, then the result), and then to wait_for_completion: the result once
 * more, the memory copy, the status (`running`: raise at once; `failed`: raise), a callback fired by the
 * notifier on completed or failed, the status again, the result, and, if the operation is completed but the
 * result is nowhere, DELETE the row and raise. After an await the upstream code reads the result once more and
 * falls back to the future's value: those reads change nothing and cannot fail, so they are not steps here. In
 * 2451df0 a later operation gets the value through the task graph, not from storage; what reads storage later is
 * the goal (`_execute_goal_with_result`, once the computation is over): the reader is that goal here, and it
 * fails with "Missing computed result" if neither memory nor SQLite has the result.
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

/** Which execution path: the one the write-ups describe (queued store), or 2451df0's (synchronous persist, futures). */
export type CallerCode = 'write-up' | 'v2';

export interface CallerInput {
  readonly code: CallerCode;
  /** Workers claim the operation; the late reader does not. */
  readonly claims: boolean;
  /** store() puts the result in the memory cache before queueing the database write. */
  readonly cacheBeforeQueue: boolean;
  readonly order: RetrieveOrder;
  readonly wake: WakeMode;
}

/** How a caller failed: the seed's "completed but result not found", or one of 2451df0's raises. */
export type CallerFailure = 'not-found' | 'refused' | 'failed' | 'stale-cleaned' | 'missing';

export interface CallerContext extends CallerInput {
  readonly executed: boolean;
  readonly failure: CallerFailure | null;
}

export type CallerEvent =
  | { readonly type: 'CLAIMED' }
  | { readonly type: 'CLAIM_LOST' }
  | { readonly type: 'DONE' }
  | { readonly type: 'STATUS'; readonly completed: boolean }
  | { readonly type: 'FIRED' }
  | { readonly type: 'WOKEN' }
  | { readonly type: 'HIT' }
  | { readonly type: 'MISS' }
  | { readonly type: 'FUTURE'; readonly found: boolean }
  | { readonly type: 'STATUS_READ'; readonly status: 'none' | 'running' | 'completed' | 'failed' };

export const callerMachine = setup({
  types: {
    context: {} as CallerContext,
    events: {} as CallerEvent,
    input: {} as CallerInput,
  },
  guards: {
    isV2: ({ context }) => context.code === 'v2',
    isWorker: ({ context }) => context.claims,
    isV2Worker: ({ context }) => context.code === 'v2' && context.claims,
    waitsForCallback: ({ context }) => context.wake === 'notifier',
    cachesBeforeQueue: ({ context }) => context.cacheBeforeQueue,
    sawCompleted: ({ event }) => event.type === 'STATUS' && event.completed,
    futureFound: ({ event }) => event.type === 'FUTURE' && event.found,
    readRunning: ({ event }) => event.type === 'STATUS_READ' && event.status === 'running',
    readFailed: ({ event }) => event.type === 'STATUS_READ' && event.status === 'failed',
  },
  actions: {
    recordExecuted: assign({ executed: () => true }),
    recordNotFound: assign({ failure: () => 'not-found' as const }),
    recordRefused: assign({ failure: () => 'refused' as const }),
    recordFailed: assign({ failure: () => 'failed' as const }),
    recordStaleCleaned: assign({ failure: () => 'stale-cleaned' as const }),
    recordMissing: assign({ failure: () => 'missing' as const }),
  },
}).createMachine({
  id: 'caller',
  context: ({ input }) => ({ ...input, executed: false, failure: null }),
  initial: 'starting',
  states: {
    starting: {
      always: [
        { guard: 'isV2Worker', target: 'lookingUpMemory' },
        { guard: 'isV2', target: 'goalMemory' },
        { guard: 'isWorker', target: 'claiming' },
        { guard: 'waitsForCallback', target: 'registering' },
        { target: 'checkingStatus' },
      ],
    },
    claiming: {
      on: {
        CLAIMED: [
          { guard: 'isV2', target: 'settingFuture', actions: 'recordExecuted' },
          { guard: 'cachesBeforeQueue', target: 'caching', actions: 'recordExecuted' },
          { target: 'enqueueing', actions: 'recordExecuted' },
        ],
        CLAIM_LOST: [{ guard: 'isV2', target: 'regettingFuture' }, { guard: 'waitsForCallback', target: 'registering' }, { target: 'checkingStatus' }],
      },
    },
    // --- 2451df0 (code v2) ---
    /** exists(), then retrieve(): the memory cache first... */
    lookingUpMemory: { on: { HIT: 'retrieved', MISS: 'lookingUpDb' } },
    /** ...then SQLite. */
    lookingUpDb: { on: { HIT: 'retrieved', MISS: 'gettingFuture' } },
    /** get_operation_future(): the claimant's future, if it registered one. */
    gettingFuture: { on: { FUTURE: [{ guard: 'futureFound', target: 'awaitingFuture' }, { target: 'claiming' }] } },
    /** After a lost claim: the future again. */
    regettingFuture: { on: { FUTURE: [{ guard: 'futureFound', target: 'awaitingFuture' }, { target: 'resultFuture' }] } },
    /** `_wait_for_result` starts with the future once more. */
    resultFuture: { on: { FUTURE: [{ guard: 'futureFound', target: 'awaitingFuture' }, { target: 'resultMemory' }] } },
    resultMemory: { on: { HIT: 'retrieved', MISS: 'resultDb' } },
    resultDb: { on: { HIT: 'retrieved', MISS: 'waitMemory' } },
    /** wait_for_completion: exists() again... */
    waitMemory: { on: { HIT: 'retrieved', MISS: 'waitDb' } },
    waitDb: { on: { HIT: 'retrieved', MISS: 'persistableMemory' } },
    /** ...the memory copy (allow_non_persistable=False)... */
    persistableMemory: { on: { HIT: 'retrieved', MISS: 'checkingRunning' } },
    /** ...SELECT status: running raises at once... */
    checkingRunning: { on: { STATUS_READ: [{ guard: 'readRunning', target: 'failed', actions: 'recordRefused' }, { target: 'checkingFailed' }] } },
    /** ...failed raises... */
    checkingFailed: { on: { STATUS_READ: [{ guard: 'readFailed', target: 'failed', actions: 'recordFailed' }, { target: 'registering' }] } },
    /** Once woken: SELECT status again (failed raises), then retrieve(). */
    rechecking: { on: { STATUS_READ: [{ guard: 'readFailed', target: 'failed', actions: 'recordFailed' }, { target: 'readingFirst' }] } },
    /** Completed but the result is nowhere: DELETE the row ("cleaned up for retry") and raise. */
    deletingStale: { on: { DONE: { target: 'failed', actions: 'recordStaleCleaned' } } },
    /** Waiting on the claimant's future (not a step: the claimant's set_result releases it)... */
    awaitingFuture: { on: { DONE: 'retrieved' } },
    /** The goal (2451df0's reader, once every worker is done): exists(), memory then SQLite... */
    goalMemory: { on: { HIT: 'retrieved', MISS: 'goalDb' } },
    /** ...else "Missing computed result for goal operation". */
    goalDb: { on: { HIT: 'retrieved', MISS: { target: 'failed', actions: 'recordMissing' } } },
    /** The claimant: set_operation_future() right after winning the claim. */
    settingFuture: { on: { DONE: 'storeMemory' } },
    /** store(ensure_persisted=True) starts with exists(): memory, then SQLite. */
    storeMemory: { on: { HIT: 'checkingPersisted', MISS: 'storeDb' } },
    storeDb: { on: { HIT: 'checkingPersisted', MISS: 'cachingPersisted' } },
    cachingPersisted: { on: { DONE: 'persisting' } },
    /** The synchronous INSERT on the shared connection; a failure is logged, the memory copy stays. */
    persisting: { on: { DONE: 'checkingPersisted' } },
    /** is_persistable(): SELECT the row; mark completed only if it is there. */
    checkingPersisted: { on: { HIT: 'markingCompleted', MISS: 'resolvingFuture' } },
    /** future.set_result(): every caller awaiting it can go on. */
    resolvingFuture: { on: { DONE: 'removingFuture' } },
    removingFuture: { on: { DONE: 'executed' } },
    // --- the write-ups' path ---
    caching: { on: { DONE: 'enqueueing' } },
    enqueueing: { on: { DONE: 'markingCompleted' } },
    markingCompleted: { on: { DONE: [{ guard: 'isV2', target: 'resolvingFuture' }, { target: 'executed' }] } },
    /** Appends a callback that sets this caller's event to the operation's callbacks. */
    registering: { on: { DONE: 'parked' } },
    /** Waiting on the event; not a step: the notifier's poll fires the callback. */
    parked: { on: { FIRED: 'woken' } },
    /** The event is set; the wait returns at the caller's next step. */
    woken: { on: { WOKEN: [{ guard: 'isV2', target: 'rechecking' }, { target: 'readingFirst' }] } },
    checkingStatus: {
      on: { STATUS: [{ guard: 'sawCompleted', target: 'readingFirst' }, { target: 'waiting' }] },
    },
    waiting: {
      on: { STATUS: [{ guard: 'sawCompleted', target: 'readingFirst' }, { target: 'waiting', reenter: true }] },
    },
    readingFirst: { on: { HIT: 'retrieved', MISS: 'readingSecond' } },
    readingSecond: {
      on: { HIT: 'retrieved', MISS: [{ guard: 'isV2', target: 'deletingStale' }, { target: 'notFound', actions: 'recordNotFound' }] },
    },
    executed: { type: 'final' },
    retrieved: { type: 'final' },
    notFound: { type: 'final' },
    /** 2451df0's raises: refused (running), failed, stale completion cleaned up. */
    failed: { type: 'final' },
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
  | 'lookingUpMemory'
  | 'lookingUpDb'
  | 'goalMemory'
  | 'goalDb'
  | 'gettingFuture'
  | 'regettingFuture'
  | 'resultFuture'
  | 'resultMemory'
  | 'resultDb'
  | 'waitMemory'
  | 'waitDb'
  | 'persistableMemory'
  | 'checkingRunning'
  | 'checkingFailed'
  | 'rechecking'
  | 'deletingStale'
  | 'awaitingFuture'
  | 'settingFuture'
  | 'storeMemory'
  | 'storeDb'
  | 'cachingPersisted'
  | 'persisting'
  | 'checkingPersisted'
  | 'resolvingFuture'
  | 'removingFuture'
  | 'executed'
  | 'retrieved'
  | 'notFound'
  | 'failed';
