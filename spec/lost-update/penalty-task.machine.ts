/**
 * One task penalizing a host in the circuit breaker of seed 004 (luca-nrw-scraper, retry.py), as the code
 * runs: each state names the task's next step, the answer of that step is the event.
 *
 * Two bodies:
 * - `awaited` (lockstep's own): read the host's failure count; await the metrics report; write count + 1 (the
 *   read-modify-write spans the await);
 * - `sync` (upstream `_penalize_host`, f68737a and 5cb4a38): read the count and write count + 1 with its penalty,
 *   with no await in between. On one event loop nothing can run between two statements that have no await
 *   between them, so there the whole call is one step (`atomic`); on threads a switch can come between the read
 *   and the write.
 * `guarded`: the same between acquiring the host table's lock (queueing and waiting for the hand-over when it is
 * taken) and releasing it; an atomic call takes and releases it inside its one step.
 */
import { assign, setup } from 'xstate';

export type PenaltyBody = 'awaited' | 'sync';

export interface PenaltyTaskInput {
  readonly guarded: boolean;
  /** Index of the host this task penalizes. */
  readonly host: number;
  readonly body: PenaltyBody;
  /** The whole call is one step (a synchronous body on one event loop). */
  readonly atomic: boolean;
}

export interface PenaltyTaskContext extends PenaltyTaskInput {
  /** The failure count the task read (what it will write + 1). */
  readonly seen: number | null;
}

export type PenaltyTaskEvent =
  | { readonly type: 'LOCK_ACQUIRED' }
  | { readonly type: 'LOCK_QUEUED' }
  | { readonly type: 'LOCK_HANDED' }
  | { readonly type: 'COUNT_READ'; readonly failures: number }
  | { readonly type: 'METRIC_RECORDED' }
  | { readonly type: 'COUNT_WRITTEN' }
  | { readonly type: 'PENALIZED' }
  | { readonly type: 'LOCK_RELEASED' };

export type PenaltyTaskState = 'starting' | 'penalizing' | 'locking' | 'waiting' | 'reading' | 'reporting' | 'writing' | 'releasing' | 'done';

export const penaltyTaskMachine = setup({
  types: {
    context: {} as PenaltyTaskContext,
    events: {} as PenaltyTaskEvent,
    input: {} as PenaltyTaskInput,
  },
  guards: {
    isGuarded: ({ context }) => context.guarded,
    isAtomic: ({ context }) => context.atomic,
    isSync: ({ context }) => context.body === 'sync',
  },
  actions: {
    rememberCount: assign({ seen: ({ context, event }) => (event.type === 'COUNT_READ' ? event.failures : context.seen) }),
  },
}).createMachine({
  id: 'penaltyTask',
  context: ({ input }) => ({ ...input, seen: null }),
  initial: 'starting',
  states: {
    starting: {
      always: [{ guard: 'isAtomic', target: 'penalizing' }, { guard: 'isGuarded', target: 'locking' }, { target: 'reading' }],
    },
    /** The whole call in one step (read, write, and the lock when guarded). */
    penalizing: {
      on: { PENALIZED: 'done' },
    },
    locking: {
      on: { LOCK_ACQUIRED: 'reading', LOCK_QUEUED: 'waiting' },
    },
    /** Queued behind the holder; steps again only once the lock has been handed to it. */
    waiting: {
      on: { LOCK_HANDED: 'reading' },
    },
    reading: {
      on: {
        COUNT_READ: [
          { guard: 'isSync', target: 'writing', actions: 'rememberCount' },
          { target: 'reporting', actions: 'rememberCount' },
        ],
      },
    },
    /** Between the read and the write: the dangerous window. */
    reporting: {
      on: { METRIC_RECORDED: 'writing' },
    },
    writing: {
      on: { COUNT_WRITTEN: [{ guard: 'isGuarded', target: 'releasing' }, { target: 'done' }] },
    },
    releasing: {
      on: { LOCK_RELEASED: 'done' },
    },
    done: { type: 'final' },
  },
});
