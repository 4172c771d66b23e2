/**
 * One task calling the shared-client getter of seed 004 (luca-nrw-scraper), as the code runs: each state names
 * the task's next step, the answer of that step is the event.
 *
 * The body reads the slot; if a client is there, returns it; otherwise creates a client, stores it in the slot
 * and returns it. Lockstep's `unguarded` awaits the creation (a yield point upstream does not have); upstream's
 * `get_client` creates it synchronously. `guarded`: the same between acquiring the slot's lock (queueing and
 * waiting for the hand-over when it is taken, or refused with RuntimeError by an asyncio lock bound to another
 * thread's loop) and releasing it. `atomic`: the whole call is one step (a body with no await on one event
 * loop, where an uncontended asyncio lock is taken without yielding).
 */
import { assign, setup } from 'xstate';

export interface GetterTaskInput {
  readonly guarded: boolean;
  /** The whole call is one step. */
  readonly atomic: boolean;
}

export interface GetterTaskContext extends GetterTaskInput {
  /** The client this task created or found (what the getter returns). */
  readonly client: number | null;
  /** What the getter raised, when it failed. */
  readonly error: string | null;
}

export type GetterTaskEvent =
  | { readonly type: 'LOCK_ACQUIRED' }
  | { readonly type: 'LOCK_QUEUED' }
  | { readonly type: 'LOCK_HANDED' }
  | { readonly type: 'CLIENT_FOUND'; readonly client: number }
  | { readonly type: 'CLIENT_MISSING' }
  | { readonly type: 'CLIENT_CREATED'; readonly client: number }
  | { readonly type: 'CLIENT_ASSIGNED' }
  | { readonly type: 'LOCK_RELEASED' }
  | { readonly type: 'CALLED'; readonly client: number }
  | { readonly type: 'LOCK_REFUSED'; readonly error: string };

export type GetterTaskState = 'starting' | 'calling' | 'locking' | 'waiting' | 'reading' | 'creating' | 'assigning' | 'releasing' | 'done' | 'failed';

export const getterTaskMachine = setup({
  types: {
    context: {} as GetterTaskContext,
    events: {} as GetterTaskEvent,
    input: {} as GetterTaskInput,
  },
  guards: {
    isGuarded: ({ context }) => context.guarded,
    isAtomic: ({ context }) => context.atomic,
  },
  actions: {
    keepClient: assign({
      client: ({ context, event }) => (event.type === 'CLIENT_FOUND' || event.type === 'CLIENT_CREATED' || event.type === 'CALLED' ? event.client : context.client),
    }),
    recordError: assign({ error: ({ event }) => (event.type === 'LOCK_REFUSED' ? event.error : null) }),
  },
}).createMachine({
  id: 'getterTask',
  context: ({ input }) => ({ ...input, client: null, error: null }),
  initial: 'starting',
  states: {
    starting: {
      always: [{ guard: 'isAtomic', target: 'calling' }, { guard: 'isGuarded', target: 'locking' }, { target: 'reading' }],
    },
    /** The whole call in one step. */
    calling: {
      on: { CALLED: { target: 'done', actions: 'keepClient' } },
    },
    locking: {
      on: { LOCK_ACQUIRED: 'reading', LOCK_QUEUED: 'waiting', LOCK_REFUSED: { target: 'failed', actions: 'recordError' } },
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
    /** The getter raised (the lock refused it). */
    failed: { type: 'final' },
  },
});
