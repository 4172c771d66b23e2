/**
 * One task penalizing a host in the circuit breaker of seed 004 (luca-nrw-scraper, retry.py), as the code
 * runs: each state names the task's next step, the answer of that step is the event.
 *
 * unguarded (as shipped): read the host's failure count; await the metrics report; write count + 1 (the
 * read-modify-write spans the await). locked (the fix): the same between acquiring the host table's lock
 * (queueing and waiting for the hand-over when it is taken) and releasing it.
 */
import { assign, setup } from 'xstate';

export interface PenaltyTaskInput {
  readonly guarded: boolean;
  /** Index of the host this task penalizes. */
  readonly host: number;
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
  | { readonly type: 'LOCK_RELEASED' };

export type PenaltyTaskState = 'starting' | 'locking' | 'waiting' | 'reading' | 'reporting' | 'writing' | 'releasing' | 'done';

export const penaltyTaskMachine = setup({
  types: {
    context: {} as PenaltyTaskContext,
    events: {} as PenaltyTaskEvent,
    input: {} as PenaltyTaskInput,
  },
  guards: {
    isGuarded: ({ context }) => context.guarded,
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
      always: [{ guard: 'isGuarded', target: 'locking' }, { target: 'reading' }],
    },
    locking: {
      on: { LOCK_ACQUIRED: 'reading', LOCK_QUEUED: 'waiting' },
    },
    /** Queued behind the holder; steps again only once the lock has been handed to it. */
    waiting: {
      on: { LOCK_HANDED: 'reading' },
    },
    reading: {
      on: { COUNT_READ: { target: 'reporting', actions: 'rememberCount' } },
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
