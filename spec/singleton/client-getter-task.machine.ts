/**
 * One task calling the shared-client getter of seed 004 (luca-nrw-scraper), as the code runs: each state names
 * the task's next step, the answer of that step is the event.
 *
 * unguarded (as shipped): read the slot; if a client is there, return it; otherwise await the creation of a
 * client, then store it in the slot and return it. locked (the fix): the same, between acquiring the slot's
 * asyncio-style lock (queueing and waiting for the hand-over when it is taken) and releasing it.
 */
import { assign, setup } from 'xstate';

export interface GetterTaskInput {
  readonly guarded: boolean;
}

export interface GetterTaskContext extends GetterTaskInput {
  /** The client this task created or found (what the getter returns). */
  readonly client: number | null;
}

export type GetterTaskEvent =
  | { readonly type: 'LOCK_ACQUIRED' }
  | { readonly type: 'LOCK_QUEUED' }
  | { readonly type: 'LOCK_HANDED' }
  | { readonly type: 'CLIENT_FOUND'; readonly client: number }
  | { readonly type: 'CLIENT_MISSING' }
  | { readonly type: 'CLIENT_CREATED'; readonly client: number }
  | { readonly type: 'CLIENT_ASSIGNED' }
  | { readonly type: 'LOCK_RELEASED' };

export type GetterTaskState = 'starting' | 'locking' | 'waiting' | 'reading' | 'creating' | 'assigning' | 'releasing' | 'done';

export const getterTaskMachine = setup({
  types: {
    context: {} as GetterTaskContext,
    events: {} as GetterTaskEvent,
    input: {} as GetterTaskInput,
  },
  guards: {
    isGuarded: ({ context }) => context.guarded,
  },
  actions: {
    keepClient: assign({ client: ({ context, event }) => (event.type === 'CLIENT_FOUND' || event.type === 'CLIENT_CREATED' ? event.client : context.client) }),
  },
}).createMachine({
  id: 'getterTask',
  context: ({ input }) => ({ ...input, client: null }),
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
      on: {
        CLIENT_FOUND: [
          { guard: 'isGuarded', target: 'releasing', actions: 'keepClient' },
          { target: 'done', actions: 'keepClient' },
        ],
        CLIENT_MISSING: 'creating',
      },
    },
    /** Between the check and the assignment: the dangerous window. */
    creating: {
      on: { CLIENT_CREATED: { target: 'assigning', actions: 'keepClient' } },
    },
    assigning: {
      on: { CLIENT_ASSIGNED: [{ guard: 'isGuarded', target: 'releasing' }, { target: 'done' }] },
    },
    releasing: {
      on: { LOCK_RELEASED: 'done' },
    },
    done: { type: 'final' },
  },
});
