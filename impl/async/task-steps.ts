/**
 * The seam through which real async code meets the scheduler: every access to shared memory, and every wait
 * for something another task does, first awaits the task's gate (../gate/step-gate.ts). In production the gate
 * is `immediateGate` (still a real `await`: other tasks' continuations may run there, which is exactly where
 * the races of seed 004 live); under the lock-step driver it resolves when the schedule picks the task; under
 * fast-check's `fc.scheduler()` it is a scheduled promise.
 */
import { immediateGate, type Gate } from '../gate/step-gate.js';

export interface TaskSteps {
  /** The task's name (lock holders and step records name tasks by it). */
  readonly name: string;
  /** One access to shared memory at the task's next turn: `run` is synchronous and atomic. */
  access<T>(action: string, run: () => T, outcome?: (result: T) => string): Promise<T>;
  /** Waits, at the task's next turn, for `pending`, which another task settles (a lock handed over). */
  wait<T>(action: string, pending: Promise<T>, outcome?: (result: T) => string): Promise<T>;
}

/** Production (and fc.scheduler): await the gate, then do it. Nothing is recorded. */
export class DirectSteps implements TaskSteps {
  constructor(
    readonly name: string,
    private readonly gate: Gate = immediateGate,
  ) {}

  async access<T>(_action: string, run: () => T): Promise<T> {
    await this.gate();
    return run();
  }

  async wait<T>(_action: string, pending: Promise<T>): Promise<T> {
    await this.gate();
    return pending;
  }
}

/**
 * The lock-step form: records one { action, outcome } per gate passed. `wait` parks at the gate first and
 * relies on the schedule contract: a waiting task is only picked once what it waits for has happened. A
 * schedule that picks it earlier is an error (the task fails with it), never a hang.
 */
export class RecordingSteps implements TaskSteps {
  readonly records: { readonly action: string; readonly outcome: string }[] = [];
  private waitingNow = false;

  constructor(
    readonly name: string,
    private readonly gate: Gate,
  ) {}

  /** Whether the task is parked in `wait`, its pending promise not yet taken. */
  get waiting(): boolean {
    return this.waitingNow;
  }

  async access<T>(action: string, run: () => T, outcome: (result: T) => string = () => 'ok'): Promise<T> {
    await this.gate();
    const result = run();
    this.records.push({ action, outcome: outcome(result) });
    return result;
  }

  async wait<T>(action: string, pending: Promise<T>, outcome: (result: T) => string = () => 'ok'): Promise<T> {
    let settled = false;
    pending.then(
      () => (settled = true),
      () => (settled = true),
    );
    this.waitingNow = true;
    await this.gate();
    this.waitingNow = false;
    if (!settled) throw new Error(`${this.name} was scheduled while it still waits (${action}): the schedule breaks the driver's contract`);
    const result = await pending;
    this.records.push({ action, outcome: outcome(result) });
    return result;
  }
}
