/**
 * An asyncio.Lock as data: who holds it and who waits, in order. Waiters are served first come first served,
 * a newcomer queues behind them, and release hands the lock straight to the first waiter (Python's asyncio.Lock
 * gives the same order: it refuses newcomers while waiters are queued). The real lock is
 * impl/async/async-mutex.ts; these are its rules, stepped purely.
 */
export interface MutexState {
  /** The holding actor, or null when free. */
  readonly holder: number | null;
  /** Waiting actors, first in line first. */
  readonly queue: readonly number[];
}

export const FREE_MUTEX: MutexState = { holder: null, queue: [] };

export type MutexAttempt =
  | { readonly kind: 'acquired'; readonly mutex: MutexState }
  | { readonly kind: 'queued'; readonly mutex: MutexState; readonly holder: number };

export function acquireMutex(mutex: MutexState, actor: number): MutexAttempt {
  if (mutex.holder === null && mutex.queue.length === 0) return { kind: 'acquired', mutex: { holder: actor, queue: [] } };
  return { kind: 'queued', mutex: { holder: mutex.holder, queue: [...mutex.queue, actor] }, holder: mutex.holder ?? mutex.queue[0]! };
}

/** Releases the lock; `handedTo` is the waiter that now holds it, or null when it is free. */
export function releaseMutex(mutex: MutexState): { readonly mutex: MutexState; readonly handedTo: number | null } {
  const [next, ...rest] = mutex.queue;
  return { mutex: { holder: next ?? null, queue: rest }, handedTo: next ?? null };
}

/** The step words both engines print for the lock (impl/async/with-lock.ts prints the same). */
export const ACQUIRE_LOCK = 'acquire lock';
export const WAIT_FOR_LOCK = 'wait for lock';
export const RELEASE_LOCK = 'release lock';

/** What a trace shows for an actor and the lock: `lock` (holds it), `queued` (waits for it), or ''. */
export function mutexLabel(mutex: MutexState, actor: number): string {
  return mutex.holder === actor ? 'lock' : mutex.queue.includes(actor) ? 'queued' : '';
}
