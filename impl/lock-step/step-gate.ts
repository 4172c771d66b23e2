/**
 * The injected gate that lets a driver run real async code one step at a time. Real code awaits
 * `gate.pass()` before each statement; in production a gate resolves at once (`OPEN_GATE`); under the driver
 * it resolves when the schedule picks that actor. `LockStepGate.release()` lets the actor run until it
 * reaches its next gate or its program settles, and resolves then: no timers, no polling.
 */
export interface Gate {
  pass(): Promise<void>;
}

export const OPEN_GATE: Gate = { pass: () => Promise.resolve() };

export class LockStepGate implements Gate {
  private resume: (() => void) | null = null;
  private onParked: (() => void) | null = null;

  pass(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.resume = resolve;
      const parked = this.onParked;
      this.onParked = null;
      parked?.();
    });
  }

  /** Whether the actor is parked at the gate, waiting to be released. */
  get parked(): boolean {
    return this.resume !== null;
  }

  /**
   * Starts `program` and resolves once it has parked at its first gate or settled, with `done`, the
   * program's settlement (wrapped in an object: a promise resolved with a promise would flatten).
   */
  async start(program: () => Promise<unknown>): Promise<{ done: Promise<unknown> }> {
    const parked = new Promise<void>((resolve) => (this.onParked = resolve));
    const done = program().then(
      (value) => value,
      (error: unknown) => ({ thrown: error }),
    );
    await Promise.race([parked, done]);
    return { done };
  }

  /** Lets the parked actor take one step; resolves when it has parked again or `done` settled. */
  async release(done: Promise<unknown>): Promise<void> {
    const resume = this.resume;
    if (resume === null) throw new Error('release: the actor is not parked at its gate');
    this.resume = null;
    const parked = new Promise<void>((resolve) => (this.onParked = resolve));
    resume();
    await Promise.race([parked, done]);
    this.onParked = null;
  }
}
