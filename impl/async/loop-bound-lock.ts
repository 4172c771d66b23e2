/**
 * Python's asyncio.Lock (3.10+: asyncio/locks.py and mixins.py) shared by threads that each run their own event
 * loop, as a module-level lock is when a program starts threads with `asyncio.run` in each: its state lives in
 * shared memory here (an Int32Array region), so every thread sees the same lock, and it is no more thread-safe
 * than Python's (plain loads and stores; the lock-step driver lets one thread run at a time).
 *
 * - acquire, when the lock is free and nobody waits: taken at once, without looking at the loop (the fast path);
 * - otherwise the caller must wait, and `_get_loop()` binds the lock to the caller's loop if it is not bound
 *   yet; a caller on another loop than the bound one gets RuntimeError ("is bound to a different event loop");
 * - release hands the lock to the first waiter (Python sets `_locked = False` and sets the first waiter's
 *   future, and no newcomer can take it before that waiter, because the waiter is still in `_waiters`). Python
 *   sets that future from the releasing thread, which schedules the waiter's wake-up on the waiter's loop with
 *   `call_soon`, not `call_soon_threadsafe`: the loop is not woken, and the waiter goes on only when something
 *   else wakes its loop (never, for a loop with nothing else to do; CPython 3.11 shows it). So a waiter can
 *   resume only when the lock was handed to it from its own loop (`canResume`).
 * Layout: HOLDER (actor, -1 free), LOOP (bound loop + 1, 0 unbound), WAKER (the releasing loop + 1), HEAD,
 * TAIL, then the waiters' queue.
 */
const HOLDER = 0;
const LOOP = 1;
const WAKER = 2;
const HEAD = 3;
const TAIL = 4;
const QUEUE = 5;

export type LoopBoundAttempt =
  | { readonly kind: 'acquired' }
  | { readonly kind: 'queued'; readonly holder: number; readonly bound: boolean }
  | { readonly kind: 'refused'; readonly boundTo: number };

/** The error a caller on another loop gets, as Python words it. */
export class LoopBindingError extends Error {
  override readonly name = 'RuntimeError';

  constructor(readonly boundTo: number) {
    super(`the lock is bound to a different event loop (thread ${boundTo}'s)`);
  }
}

export class LoopBoundLock {
  /** Int32 words a lock with at most `waiters` queued callers needs. */
  static words(waiters: number): number {
    return QUEUE + waiters;
  }

  /** Sets up a free, unbound lock in the region (the zeroed buffer is not one: HOLDER must be -1). */
  static init(i32: Int32Array, base: number): void {
    Atomics.store(i32, base + HOLDER, -1);
  }

  constructor(
    private readonly i32: Int32Array,
    private readonly base: number,
    private readonly capacity: number,
  ) {}

  /** `await lock.acquire()` by `actor` on the event loop `loop`: taken, queued, or refused. */
  acquire(actor: number, loop: number): LoopBoundAttempt {
    const holder = this.load(HOLDER);
    const waiting = this.load(TAIL) - this.load(HEAD);
    if (holder === -1 && waiting === 0) {
      this.store(HOLDER, actor);
      return { kind: 'acquired' };
    }
    const bound = this.load(LOOP);
    if (bound !== 0 && bound - 1 !== loop) return { kind: 'refused', boundTo: bound - 1 };
    if (bound === 0) this.store(LOOP, loop + 1);
    const tail = this.load(TAIL);
    if (tail >= this.capacity) throw new RangeError(`more than ${this.capacity} waiters`);
    this.store(QUEUE + tail, actor);
    this.store(TAIL, tail + 1);
    return { kind: 'queued', holder: holder !== -1 ? holder : this.load(QUEUE + this.load(HEAD)), bound: bound === 0 };
  }

  /** Whether the lock has been handed to `actor`. */
  isHandedTo(actor: number): boolean {
    return this.load(HOLDER) === actor;
  }

  /** Whether `actor`, waiting on `loop`, can go on: the lock was handed to it, and from its own loop (which woke it). */
  canResume(actor: number, loop: number): boolean {
    return this.isHandedTo(actor) && this.load(WAKER) === loop + 1;
  }

  /** Production waiting, as Python's: sleeps until it can resume (for ever, when the lock came from another loop). */
  blockUntilResumable(actor: number, loop: number): void {
    while (!this.canResume(actor, loop)) Atomics.wait(this.i32, this.base + HOLDER, this.load(HOLDER));
  }

  /** Releases the lock from `loop`: hands it to the first waiter (returned), or frees it (null). The binding stays. */
  release(loop: number): number | null {
    const head = this.load(HEAD);
    const next = head < this.load(TAIL) ? this.load(QUEUE + head) : null;
    if (next !== null) this.store(HEAD, head + 1);
    this.store(WAKER, loop + 1);
    this.store(HOLDER, next ?? -1);
    Atomics.notify(this.i32, this.base + HOLDER);
    return next;
  }

  private load(word: number): number {
    return Atomics.load(this.i32, this.base + word);
  }

  private store(word: number, value: number): void {
    Atomics.store(this.i32, this.base + word, value);
  }
}
