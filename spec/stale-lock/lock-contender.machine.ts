/**
 * One contender for a pid lock file (seed 003, bolt: "file-based locking with stale lock cleanup"), as its
 * code runs: each state names the next file-system step the process takes; the answer of that step is the
 * event.
 *
 * acquire: create the lock file exclusively (open with O_CREAT|O_EXCL, 'wx'); on success write the own pid
 * into it and hold the lock. If it exists, read the pid in it and ask the kernel whether that process lives
 * (kill(pid, 0)). A live owner, an empty file (its creator has not written yet) or a file that vanished
 * meanwhile mean: try again, while tries are left. A dead owner means a stale lock:
 * - check-then-remove (the bug): unlink the lock file, then try to create it again. The unlink names a path,
 *   not the file that was checked: if someone else replaced the stale file in between, their lock goes.
 * - tombstone (the fix): first create `lock.broken-<pid>` exclusively. Exactly one contender can create the
 *   tombstone of a given stale owner, and only that one unlinks the lock; the loser tries again. The
 *   tombstone is never removed, so a slow contender that read the same dead pid long ago still loses.
 * release: unlink the lock file.
 */
import { assign, setup } from 'xstate';

export type StaleLockVariant = 'check-then-remove' | 'tombstone';

/** Whose pid a lock file holds: a contender (by index) or the crashed holder. */
export type Owner = number | 'crashed';

export interface LockContenderInput {
  readonly variant: StaleLockVariant;
  /** How many times the contender may try to create the lock file before giving up. */
  readonly maxTries: number;
}

export interface LockContenderContext extends LockContenderInput {
  /** Creates tried so far. */
  readonly tries: number;
  /** The dead owner whose stale lock the contender is breaking (read, not yet acted on). */
  readonly stale: Owner | null;
}

export type LockContenderEvent =
  | { readonly type: 'CREATED' }
  | { readonly type: 'EXISTS' }
  | { readonly type: 'WRITTEN' }
  | { readonly type: 'OWNER_DEAD'; readonly owner: Owner }
  | { readonly type: 'OWNER_ALIVE'; readonly owner: Owner }
  | { readonly type: 'EMPTY' }
  | { readonly type: 'MISSING' }
  | { readonly type: 'REMOVED' };

export const lockContenderMachine = setup({
  types: {
    context: {} as LockContenderContext,
    events: {} as LockContenderEvent,
    input: {} as LockContenderInput,
  },
  guards: {
    hasTriesLeft: ({ context }) => context.tries < context.maxTries,
    usesTombstone: ({ context }) => context.variant === 'tombstone',
  },
  actions: {
    countTry: assign({ tries: ({ context }) => context.tries + 1 }),
    rememberStale: assign({ stale: ({ event }) => (event.type === 'OWNER_DEAD' ? event.owner : null) }),
    forgetStale: assign({ stale: () => null }),
  },
}).createMachine({
  id: 'lockContender',
  context: ({ input }) => ({ ...input, tries: 0, stale: null }),
  initial: 'creating',
  states: {
    creating: {
      on: {
        CREATED: { target: 'writing', actions: 'countTry' },
        EXISTS: { target: 'reading', actions: 'countTry' },
      },
    },
    writing: { on: { WRITTEN: 'holding' } },
    reading: {
      on: {
        OWNER_DEAD: [
          { guard: 'usesTombstone', target: 'marking', actions: 'rememberStale' },
          { target: 'removing', actions: 'rememberStale' },
        ],
        OWNER_ALIVE: 'retrying',
        EMPTY: 'retrying',
        MISSING: 'retrying',
      },
    },
    /** tombstone only: create lock.broken-<stale pid> exclusively. */
    marking: {
      on: {
        CREATED: 'removing',
        EXISTS: { target: 'retrying', actions: 'forgetStale' },
      },
    },
    removing: {
      on: {
        REMOVED: { target: 'retrying', actions: 'forgetStale' },
        MISSING: { target: 'retrying', actions: 'forgetStale' },
      },
    },
    /** Transient: back to creating while tries are left, else give up. Never rests here. */
    retrying: {
      always: [{ guard: 'hasTriesLeft', target: 'creating' }, { target: 'gaveUp' }],
    },
    holding: {
      on: { REMOVED: 'released', MISSING: 'released' },
    },
    released: { type: 'final' },
    gaveUp: { type: 'final' },
  },
});

export type LockContenderState = 'creating' | 'writing' | 'reading' | 'marking' | 'removing' | 'holding' | 'released' | 'gaveUp';
