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

/** The lock's events, as the task machines of both async scenarios name them. */
export type MutexEvent = { readonly type: 'LOCK_ACQUIRED' } | { readonly type: 'LOCK_QUEUED' } | { readonly type: 'LOCK_HANDED' } | { readonly type: 'LOCK_RELEASED' };

/** One step a task takes on the lock: the lock after it, the event for the task's machine, and the trace words. */
export interface MutexStep {
  readonly mutex: MutexState;
  readonly event: MutexEvent;
  readonly action: string;
  readonly outcome: string;
}

/** `acquire lock`: taken when free and nobody queues, else queued behind the holder. */
export function acquireStep(mutex: MutexState, actor: number, nameOf: (actor: number) => string): MutexStep {
  const attempt = acquireMutex(mutex, actor);
  return attempt.kind === 'acquired'
    ? { mutex: attempt.mutex, event: { type: 'LOCK_ACQUIRED' }, action: ACQUIRE_LOCK, outcome: 'acquired' }
    : { mutex: attempt.mutex, event: { type: 'LOCK_QUEUED' }, action: ACQUIRE_LOCK, outcome: `held by ${nameOf(attempt.holder)}, waits` };
}

/** `wait for lock`: only once the lock has been handed to the actor (the scenario's enabled() ensures it). */
export function waitStep(mutex: MutexState, actor: number, nameOf: (actor: number) => string): MutexStep {
  if (mutex.holder !== actor) throw new RangeError(`${nameOf(actor)} cannot step: the lock has not been handed to it`);
  return { mutex, event: { type: 'LOCK_HANDED' }, action: WAIT_FOR_LOCK, outcome: 'acquired' };
}

/** `release lock`: handed straight to the first waiter, or free. */
export function releaseStep(mutex: MutexState, nameOf: (actor: number) => string): MutexStep {
  const released = releaseMutex(mutex);
  return { mutex: released.mutex, event: { type: 'LOCK_RELEASED' }, action: RELEASE_LOCK, outcome: released.handedTo === null ? 'free' : `handed to ${nameOf(released.handedTo)}` };
}

/**
 * An asyncio.Lock used from several threads, each running its own event loop (Python 3.10+, asyncio/locks.py
 * and mixins.py). Its state is the same as above, plus the loop it is bound to: the lock is not bound when it
 * is made; the first acquire that has to wait binds it to that caller's running loop (`_get_loop()`), and any
 * later acquire that has to wait from another loop raises RuntimeError ("is bound to a different event loop").
 * An acquire that finds the lock free and nobody waiting takes it without looking at the loop at all. The
 * lock has no thread safety of its own; on CPython 3.11 its fast path (the check of `_locked` and the store)
 * has no point where the interpreter switches threads, so that check-and-take is one step here.
 */
export interface LoopBoundMutexState extends MutexState {
  /** The loop (here: the thread, by actor index) the lock is bound to, or null. */
  readonly loop: number | null;
}

export const FREE_LOOP_BOUND_MUTEX: LoopBoundMutexState = { holder: null, queue: [], loop: null };

export type LoopBoundAttempt =
  | { readonly kind: 'acquired'; readonly mutex: LoopBoundMutexState }
  | { readonly kind: 'queued'; readonly mutex: LoopBoundMutexState; readonly holder: number; readonly bound: boolean }
  | { readonly kind: 'refused'; readonly mutex: LoopBoundMutexState; readonly boundTo: number };

export function acquireLoopBound(mutex: LoopBoundMutexState, actor: number, loop: number): LoopBoundAttempt {
  if (mutex.holder === null && mutex.queue.length === 0) return { kind: 'acquired', mutex: { ...mutex, holder: actor } };
  if (mutex.loop !== null && mutex.loop !== loop) return { kind: 'refused', mutex, boundTo: mutex.loop };
  return {
    kind: 'queued',
    mutex: { holder: mutex.holder, queue: [...mutex.queue, actor], loop },
    holder: mutex.holder ?? mutex.queue[0]!,
    bound: mutex.loop === null,
  };
}

/** `acquire lock` on a loop-bound lock: taken, queued (binding the lock to this loop if it was not yet bound), or RuntimeError. */
export function acquireLoopBoundStep(
  mutex: LoopBoundMutexState,
  actor: number,
  loop: number,
  nameOf: (actor: number) => string,
): { readonly mutex: LoopBoundMutexState; readonly outcome: string; readonly kind: LoopBoundAttempt['kind'] } {
  const attempt = acquireLoopBound(mutex, actor, loop);
  switch (attempt.kind) {
    case 'acquired':
      return { mutex: attempt.mutex, outcome: 'acquired', kind: attempt.kind };
    case 'queued':
      return { mutex: attempt.mutex, outcome: `held by ${nameOf(attempt.holder)}, waits${attempt.bound ? ` (binds the lock to ${nameOf(actor)}'s loop)` : ''}`, kind: attempt.kind };
    case 'refused':
      return { mutex: attempt.mutex, outcome: `RuntimeError: the lock is bound to ${nameOf(attempt.boundTo)}'s loop`, kind: attempt.kind };
  }
}

/** `release lock` on a loop-bound lock: handed to the first waiter, or free; the binding stays. */
export function releaseLoopBound(mutex: LoopBoundMutexState): { readonly mutex: LoopBoundMutexState; readonly handedTo: number | null } {
  const released = releaseMutex(mutex);
  return { mutex: { ...released.mutex, loop: mutex.loop }, handedTo: released.handedTo };
}
