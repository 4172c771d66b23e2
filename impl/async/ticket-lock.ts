/**
 * A lock for worker threads in shared memory (what Python's threading.Lock is to its threads): a ticket lock on
 * Atomics, first come first served, release handing the lock to the next ticket. threading.Lock promises no
 * order; a ticket lock is one lawful choice of it, and the one the models step (spec/async/mutex-state.ts).
 * It lives in a region of an Int32Array the caller owns: 2 words, then one owner slot per ticket.
 */
const NEXT_TICKET = 0;
const NOW_SERVING = 1;
const OWNERS = 2;

export type TicketAttempt = { readonly kind: 'acquired'; readonly ticket: number } | { readonly kind: 'queued'; readonly ticket: number; readonly holder: number };

export class TicketLock {
  /** Int32 words a lock for at most `owners` acquisitions needs. */
  static words(owners: number): number {
    return OWNERS + owners;
  }

  constructor(
    private readonly i32: Int32Array,
    private readonly base: number,
    private readonly owners: number,
  ) {}

  /** Draws a ticket; acquired when it is being served, else queued behind the owner now served. */
  acquire(owner: number): TicketAttempt {
    const ticket = Atomics.add(this.i32, this.base + NEXT_TICKET, 1);
    Atomics.store(this.i32, this.ownerSlot(ticket), owner);
    const serving = Atomics.load(this.i32, this.base + NOW_SERVING);
    return serving === ticket ? { kind: 'acquired', ticket } : { kind: 'queued', ticket, holder: Atomics.load(this.i32, this.ownerSlot(serving)) };
  }

  isServing(ticket: number): boolean {
    return Atomics.load(this.i32, this.base + NOW_SERVING) === ticket;
  }

  /** Production waiting: sleeps on the serving counter until it reaches `ticket`. */
  blockUntilServed(ticket: number): void {
    for (let serving = Atomics.load(this.i32, this.base + NOW_SERVING); serving !== ticket; serving = Atomics.load(this.i32, this.base + NOW_SERVING)) {
      Atomics.wait(this.i32, this.base + NOW_SERVING, serving);
    }
  }

  /** Serves the next ticket; returns the owner it was handed to, or null when nobody waits. */
  release(): number | null {
    const serving = Atomics.add(this.i32, this.base + NOW_SERVING, 1) + 1;
    Atomics.notify(this.i32, this.base + NOW_SERVING);
    return serving < Atomics.load(this.i32, this.base + NEXT_TICKET) ? Atomics.load(this.i32, this.ownerSlot(serving)) : null;
  }

  private ownerSlot(ticket: number): number {
    if (ticket >= this.owners) throw new RangeError(`ticket ${ticket} is past the lock's ${this.owners} owner slots`);
    return this.base + OWNERS + ticket;
  }
}
