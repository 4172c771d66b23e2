/**
 * The circuit breaker of seed 004 (luca-nrw-scraper, retry.py) for worker threads: the host table lives in a
 * SharedArrayBuffer that every thread sees, and `penalizeHostThread*` is the same read-modify-write as
 * host-penalties.ts, but synchronous: between the read and the write there is no await, only the chance that
 * the thread is switched out (or that another thread runs at the same time on another core).
 *
 * The counts are read and written with plain (non-atomic) loads and stores, as the seed's `st["failures"] += 1`
 * is: that is the bug. The lock of the fix is a ticket lock on Atomics: first come first served, release hands
 * it to the next ticket (the same order the async lock and the model have; Python's threading.Lock promises no
 * order, a ticket lock is one lawful choice of it).
 *
 * Every shared access goes through ThreadSteps, which first passes the thread's gate: nothing in production,
 * a blocking Atomics handshake under the lock-step driver (penalty-thread.worker.ts).
 */
import type { ThreadSteps } from '../async/thread-steps.js';

export type { ThreadSteps };

/** Int32 slots of the table's buffer. */
const NEXT_TICKET = 0;
const NOW_SERVING = 1;
const METRICS = 2;
const FAILURES = 3;

export class SharedHostTable {
  private readonly i32: Int32Array;

  /** A table for `hosts` hosts and at most `owners` lock tickets, in a fresh SharedArrayBuffer. */
  static create(hosts: number, owners: number): SharedHostTable {
    return new SharedHostTable(new SharedArrayBuffer((FAILURES + hosts + owners) * Int32Array.BYTES_PER_ELEMENT), hosts);
  }

  constructor(
    readonly buffer: SharedArrayBuffer,
    readonly hosts: number,
  ) {
    this.i32 = new Int32Array(buffer);
  }

  /** Plain load: the seed's unsynchronized read. */
  failures(host: number): number {
    return this.i32[FAILURES + host]!;
  }

  /** Plain store: the seed's unsynchronized write. */
  setFailures(host: number, failures: number): void {
    this.i32[FAILURES + host] = failures;
  }

  /** The run's metrics counter (atomic: the metrics are not the subject here). */
  recordMetric(): number {
    return Atomics.add(this.i32, METRICS, 1) + 1;
  }

  get metrics(): number {
    return Atomics.load(this.i32, METRICS);
  }

  /** Draws a ticket; acquired when it is being served, else queued behind the thread now served. */
  acquire(owner: number): { readonly kind: 'acquired'; readonly ticket: number } | { readonly kind: 'queued'; readonly ticket: number; readonly holder: number } {
    const ticket = Atomics.add(this.i32, NEXT_TICKET, 1);
    Atomics.store(this.i32, this.ownerSlot(ticket), owner);
    const serving = Atomics.load(this.i32, NOW_SERVING);
    return serving === ticket ? { kind: 'acquired', ticket } : { kind: 'queued', ticket, holder: Atomics.load(this.i32, this.ownerSlot(serving)) };
  }

  isServing(ticket: number): boolean {
    return Atomics.load(this.i32, NOW_SERVING) === ticket;
  }

  /** Production waiting: sleeps on the serving counter until it reaches `ticket`. */
  blockUntilServed(ticket: number): void {
    for (let serving = Atomics.load(this.i32, NOW_SERVING); serving !== ticket; serving = Atomics.load(this.i32, NOW_SERVING)) {
      Atomics.wait(this.i32, NOW_SERVING, serving);
    }
  }

  /** Serves the next ticket; returns the owner it was handed to, or null when nobody waits. */
  release(): number | null {
    const serving = Atomics.add(this.i32, NOW_SERVING, 1) + 1;
    Atomics.notify(this.i32, NOW_SERVING);
    return serving < Atomics.load(this.i32, NEXT_TICKET) ? Atomics.load(this.i32, this.ownerSlot(serving)) : null;
  }

  /** Who holds the lock (the owner of the ticket being served) and who waits, first in line first (for traces). */
  lockView(): { readonly holder: number | null; readonly queue: readonly number[] } {
    const serving = Atomics.load(this.i32, NOW_SERVING);
    const next = Atomics.load(this.i32, NEXT_TICKET);
    const owners = Array.from({ length: Math.max(0, next - serving) }, (_, k) => Atomics.load(this.i32, this.ownerSlot(serving + k)));
    return { holder: owners[0] ?? null, queue: owners.slice(1) };
  }

  private ownerSlot(ticket: number): number {
    const slot = FAILURES + this.hosts + ticket;
    if (slot >= this.i32.length) throw new RangeError(`ticket ${ticket} is past the table's ${this.i32.length - FAILURES - this.hosts} owner slots`);
    return slot;
  }
}

const HOST_NAMES = 'abcdefgh';
const hostName = (index: number): string => `host-${HOST_NAMES[index] ?? String(index)}`;
const penaltyFor = (failures: number): number => Math.min(30 * 2 ** (failures - 1), 900);

/** Lockstep's awaited form, on a thread: read, report, write, with no lock. */
export function penalizeHostThreadUnguarded(table: SharedHostTable, host: number, steps: ThreadSteps): number {
  const name = hostName(host);
  const before = steps.access(`read ${name}`, () => table.failures(host), (f) => `failures ${f}`);
  const failures = before + 1;
  steps.access('metrics.record()', () => table.recordMetric(), () => 'ok');
  steps.access(`write ${name}`, () => table.setFailures(host, failures), () => `failures ${failures}, penalty ${penaltyFor(failures)} s`);
  return failures;
}

/** `_penalize_host` as upstream shipped it (f68737a), on a thread: read, then write, with no lock and nothing between. */
export function penalizeHostThreadSync(table: SharedHostTable, host: number, steps: ThreadSteps): number {
  const name = hostName(host);
  const before = steps.access(`read ${name}`, () => table.failures(host), (f) => `failures ${f}`);
  const failures = before + 1;
  steps.access(`write ${name}`, () => table.setFailures(host, failures), () => `failures ${failures}, penalty ${penaltyFor(failures)} s`);
  return failures;
}

/** `_penalize_host` as upstream fixed it (5cb4a38), on a thread: the same under the table's lock (threading.Lock). */
export function penalizeHostThreadSyncLocked(table: SharedHostTable, host: number, steps: ThreadSteps): number {
  return withTicketLock(table, steps, () => penalizeHostThreadSync(table, host, steps));
}

function withTicketLock(table: SharedHostTable, steps: ThreadSteps, body: () => number): number {
  const attempt = steps.access('acquire lock', () => table.acquire(steps.index), (a) => (a.kind === 'acquired' ? 'acquired' : `held by task-${a.holder}, waits`));
  if (attempt.kind === 'queued') {
    steps.wait('wait for lock', () => table.isServing(attempt.ticket), () => table.blockUntilServed(attempt.ticket), 'acquired');
  }
  try {
    return body();
  } finally {
    steps.access('release lock', () => table.release(), (next) => (next === null ? 'free' : `handed to task-${next}`));
  }
}

/** The fix, on a thread: the same read-modify-write under the table's lock. */
export function penalizeHostThreadLocked(table: SharedHostTable, host: number, steps: ThreadSteps): number {
  return withTicketLock(table, steps, () => penalizeHostThreadUnguarded(table, host, steps));
}
