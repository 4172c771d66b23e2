/**
 * The seam through which ordinary synchronous code on a worker thread meets the scheduler: every access to
 * memory the threads share, and every wait for something another thread does, first passes the thread's gate.
 * Under the lock-step driver the gate is a blocking handshake (the thread sleeps on its control word until the
 * driver picks it), so the switch the schedule asks for is a real switch between threads.
 */
export interface ThreadSteps {
  readonly name: string;
  readonly index: number;
  /** One shared access at the thread's next turn. */
  access<T>(action: string, run: () => T, outcome?: (result: T) => string): T;
  /** Waits, at the thread's next turn, until `ready()`; `block()` is how production waits for it. */
  wait(action: string, ready: () => boolean, block: () => void, outcome: string): void;
}
