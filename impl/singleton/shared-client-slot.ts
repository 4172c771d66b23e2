/**
 * client.py's module state for callers on worker threads: the shared client slot and the record of every client
 * made, in a SharedArrayBuffer every thread sees, with the two locks a getter may take: upstream's asyncio lock
 * (loop-bound, ../async/loop-bound-lock.ts) and a thread lock (../async/ticket-lock.ts). A client itself (its
 * connection pool) lives in the thread that made it; the slot holds its number.
 */
import { LoopBoundLock } from '../async/loop-bound-lock.js';
import { TicketLock } from '../async/ticket-lock.js';

const SLOT = 0;
const CREATED = 1;
const CREATED_BY = 2;

export class SharedClientSlot {
  readonly asyncioLock: LoopBoundLock;
  readonly threadLock: TicketLock;
  private readonly i32: Int32Array;

  /** A slot for at most `callers` callers, in a fresh SharedArrayBuffer. */
  static create(callers: number): SharedClientSlot {
    const words = CREATED_BY + callers + LoopBoundLock.words(callers) + TicketLock.words(callers);
    const slot = new SharedClientSlot(new SharedArrayBuffer(words * Int32Array.BYTES_PER_ELEMENT), callers);
    LoopBoundLock.init(slot.i32, CREATED_BY + callers);
    return slot;
  }

  constructor(
    readonly buffer: SharedArrayBuffer,
    readonly callers: number,
  ) {
    this.i32 = new Int32Array(buffer);
    const lockBase = CREATED_BY + callers;
    this.asyncioLock = new LoopBoundLock(this.i32, lockBase, callers);
    this.threadLock = new TicketLock(this.i32, lockBase + LoopBoundLock.words(callers), callers);
  }

  /** The number of the client in the slot (plain load: the seed's unsynchronized read), or null. */
  get client(): number | null {
    const id = this.i32[SLOT]!;
    return id === 0 ? null : id;
  }

  /** Stores a client in the slot (plain store); returns the one it replaced, or null. */
  assign(id: number): number | null {
    const replaced = this.client;
    this.i32[SLOT] = id;
    return replaced;
  }

  /** Records a new client made by `by`; returns its number (1, 2, ... in the order they were made). */
  recordCreated(by: number): number {
    const id = Atomics.add(this.i32, CREATED, 1) + 1;
    Atomics.store(this.i32, CREATED_BY + id - 1, by);
    return id;
  }

  /** Every client made, in order, with its maker. */
  get created(): readonly { readonly id: number; readonly by: number }[] {
    const count = Atomics.load(this.i32, CREATED);
    return Array.from({ length: count }, (_, k) => ({ id: k + 1, by: Atomics.load(this.i32, CREATED_BY + k) }));
  }
}
