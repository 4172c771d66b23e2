/**
 * An asyncio.Lock for TypeScript: one holder, waiters served first come first served, and no barging (a
 * newcomer queues behind waiters even at the moment the lock is being handed over). Seed 004's fix guards the
 * client getter with `asyncio.Lock()` and the host table with a lock; this is that lock.
 *
 * `release()` hands the lock straight to the first waiter (it never becomes free in between), and that
 * waiter's promise resolves. The attempt is synchronous (`acquire`), so the caller decides where to await the
 * hand-over (with-lock.ts awaits it at a gate).
 */
export type Acquisition =
  | { readonly kind: 'acquired' }
  | { readonly kind: 'queued'; readonly holder: string; readonly handedOver: Promise<void> };

export class AsyncMutex {
  private holderName: string | null = null;
  private readonly queue: { readonly owner: string; readonly wake: () => void }[] = [];

  /** Who holds the lock now, or null. */
  get holder(): string | null {
    return this.holderName;
  }

  /** The waiters, first in line first. */
  get waiters(): readonly string[] {
    return this.queue.map((w) => w.owner);
  }

  /** Takes the lock if it is free and nobody waits; otherwise joins the queue. */
  acquire(owner: string): Acquisition {
    if (this.holderName === null && this.queue.length === 0) {
      this.holderName = owner;
      return { kind: 'acquired' };
    }
    const holder = this.holderName ?? this.queue[0]!.owner;
    let wake!: () => void;
    const handedOver = new Promise<void>((resolve) => (wake = resolve));
    this.queue.push({ owner, wake });
    return { kind: 'queued', holder, handedOver };
  }

  /** The awaiting form: resolves when the lock is the caller's. */
  async lock(owner: string): Promise<void> {
    const attempt = this.acquire(owner);
    if (attempt.kind === 'queued') await attempt.handedOver;
  }

  /** Releases the lock held by `owner`; returns the waiter it was handed to, or null when it is now free. */
  release(owner: string): string | null {
    if (this.holderName !== owner) throw new Error(`${owner} released a lock held by ${this.holderName ?? 'nobody'}`);
    const next = this.queue.shift();
    this.holderName = next?.owner ?? null;
    next?.wake();
    return next?.owner ?? null;
  }
}
