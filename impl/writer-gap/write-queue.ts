/**
 * The result write queue (Python's queue.Queue in the seed): producers put() and never block; the background
 * writer get()s, waiting while the queue is empty. FIFO; `size` counts the requests not yet taken.
 */
export class WriteQueue<T> {
  private readonly items: T[] = [];
  private readonly takers: ((item: T) => void)[] = [];

  put(item: T): void {
    const taker = this.takers.shift();
    if (taker !== undefined) taker(item);
    else this.items.push(item);
  }

  /** The oldest request; waits for one when the queue is empty. */
  get(): Promise<T> {
    if (this.items.length > 0) return Promise.resolve(this.items.shift()!);
    return new Promise<T>((resolve) => this.takers.push(resolve));
  }

  get size(): number {
    return this.items.length;
  }
}
