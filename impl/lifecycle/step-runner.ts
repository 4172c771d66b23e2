/**
 * How the interpreter's storage code takes its steps and tells time. Every SQL statement and every touch of
 * memory shared between threads goes through `run`; sleeping and waiting on an event go through `sleepThen`
 * and `waitFor`; the current time is `now()` (milliseconds).
 *
 * In production `DirectStepRunner` runs everything at once on the wall clock. Under the lock-step driver
 * `LockStepRunner` first awaits the actor's gate (so that exactly one actor moves per step), keeps time on a
 * `VirtualClock` shared by every actor of the run, and records one step (action, outcome) per gate passed.
 * A sleep or a wait is one step: when the schedule picks a sleeper, its sleep is over (the clock moves to its
 * wake-up time if it is not there yet); when it picks a waiter whose event is not set, its timeout has come
 * (the clock moves to the deadline). That is the schedule contract the model keeps.
 */
import type { Gate } from '../gate/step-gate.js';

/** Virtual time as a step record shows it, in seconds: `t=300s`, `t=0.1s`. */
export function timeText(ms: number): string {
  return `t=${ms / 1000}s`;
}

/** threading.Event: set once, observed by whoever waits on it. */
export class CompletionEvent {
  private flag = false;
  private readonly listeners: (() => void)[] = [];

  set(): void {
    if (this.flag) return;
    this.flag = true;
    for (const listener of this.listeners.splice(0)) listener();
  }

  isSet(): boolean {
    return this.flag;
  }

  /** Calls `listener` once the event is set (at once if it already is). */
  onSet(listener: () => void): void {
    if (this.flag) listener();
    else this.listeners.push(listener);
  }
}

export interface StepRunner {
  /** Milliseconds: wall-clock in production, virtual under the driver. */
  now(): number;
  /** One step: `body` runs at the actor's turn. `describe` names what came of it ('ok' when absent). */
  run<T>(action: string, body: () => T, describe?: (result: T) => string): Promise<T>;
  /** Sleeps `ms` from now, then runs `body` as one step. */
  sleepThen<T>(ms: number, action: string, body: () => T, describe?: (result: T) => string): Promise<T>;
  /** Event.wait(timeout): true when the event was set, false when the timeout passed first. One step. */
  waitFor(action: string, event: CompletionEvent, timeoutMs: number): Promise<boolean>;
}

/** Production: no gate, the wall clock, real timers. */
export class DirectStepRunner implements StepRunner {
  now(): number {
    return Date.now();
  }

  run<T>(_action: string, body: () => T): Promise<T> {
    return new Promise<T>((resolve) => resolve(body()));
  }

  async sleepThen<T>(ms: number, action: string, body: () => T): Promise<T> {
    await new Promise<void>((resolve) => setTimeout(resolve, ms));
    return this.run(action, body);
  }

  waitFor(_action: string, event: CompletionEvent, timeoutMs: number): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      event.onSet(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}

/** The run's virtual time, shared by every actor's LockStepRunner. */
export class VirtualClock {
  now = 0;

  /** Time passes to `t` unless it is already later. */
  advanceTo(t: number): void {
    this.now = Math.max(this.now, t);
  }
}

export interface StepRecordLike {
  readonly action: string;
  readonly outcome: string;
}

/** Under the driver: the gate before each step, virtual time, one record per step. */
export class LockStepRunner implements StepRunner {
  readonly records: StepRecordLike[] = [];
  /** The harness starts a later process by setting the time its first step happens at, at the earliest. */
  notBefore = 0;

  constructor(
    private readonly gate: Gate,
    private readonly clock: VirtualClock,
  ) {}

  now(): number {
    return this.clock.now;
  }

  async run<T>(action: string, body: () => T, describe: (result: T) => string = () => 'ok'): Promise<T> {
    await this.gate();
    this.clock.advanceTo(this.notBefore);
    return this.perform(action, body, describe);
  }

  async sleepThen<T>(ms: number, action: string, body: () => T, describe: (result: T) => string = () => 'ok'): Promise<T> {
    const wake = this.clock.now + ms;
    await this.gate();
    this.clock.advanceTo(wake);
    return this.perform(action, body, describe);
  }

  async waitFor(action: string, event: CompletionEvent, timeoutMs: number): Promise<boolean> {
    const deadline = this.clock.now + timeoutMs;
    await this.gate();
    if (event.isSet()) {
      this.records.push({ action, outcome: 'set' });
      return true;
    }
    // Picked while the event is not set: by the schedule contract, the deadline has come.
    this.clock.advanceTo(deadline);
    this.records.push({ action, outcome: `timed out at ${timeText(this.clock.now)}` });
    return false;
  }

  private perform<T>(action: string, body: () => T, describe: (result: T) => string): T {
    let result: T;
    try {
      result = body();
    } catch (error) {
      this.records.push({ action, outcome: error instanceof Error ? error.message : String(error) });
      throw error;
    }
    this.records.push({ action, outcome: describe(result) });
    return result;
  }
}
