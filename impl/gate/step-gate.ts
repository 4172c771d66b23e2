/**
 * The injected gate (DESIGN.md, "Real SQLite, one step at a time"). Real async code calls `await gate()` before
 * each statement or shared-memory access. In production the gate is `immediateGate` and resolves at once; under
 * the lock-step driver each actor gets its own gate from `LockStepGates`, and it resolves only when the schedule
 * picks that actor.
 *
 * The driver works by a handshake of promises, no timers and no polling: `step(actor)` resolves the promise the
 * actor is parked on, then waits for the actor to "arrive", which happens either when it calls its gate again
 * (parked at the next step) or when its program promise settles (done or failed). Everything in between runs
 * on microtasks, so exactly one actor moves per step.
 */

/** Awaited by real code before each step. */
export type Gate = () => Promise<void>;

/** The production gate: never holds anybody up. */
export const immediateGate: Gate = () => Promise.resolve();

/**
 * Where an actor is: `idle` (not started), `parked` at its gate, `running` (released, between two gates; only
 * observable from inside the actor), `done` (its program resolved) or `failed` (its program threw or rejected).
 */
export type ActorStatus = 'idle' | 'parked' | 'running' | 'done' | 'failed';

interface ActorSlot {
  status: ActorStatus;
  /** Resolves the gate promise the actor is parked on. */
  resume: (() => void) | null;
  /** Resolves the promise the driver awaits in start()/step() until the actor arrives. */
  arrived: (() => void) | null;
  value: unknown;
  error: unknown;
}

/** One gate per actor, and the driver that releases them one step at a time. */
export class LockStepGates {
  private readonly slots: ActorSlot[];

  constructor(readonly actors: readonly string[]) {
    this.slots = actors.map(() => ({ status: 'idle', resume: null, arrived: null, value: undefined, error: undefined }));
  }

  /** The gate to inject into the code that `actor` runs. Calling it parks the actor until `step(actor)`. */
  gate(actor: number): Gate {
    const slot = this.slot(actor);
    return () => {
      if (slot.status !== 'running') {
        return Promise.reject(new Error(`${this.name(actor)} called its gate while ${slot.status}: a gate may only be awaited by its own running program, one at a time`));
      }
      return new Promise<void>((resolve) => {
        slot.status = 'parked';
        slot.resume = resolve;
        this.arrive(slot);
      });
    };
  }

  /**
   * Starts `program` as `actor` and resolves once it has parked at its first gate or settled. A program that
   * throws (synchronously or by rejecting) is recorded as `failed`, never rethrown here.
   */
  start(actor: number, program: () => Promise<unknown>): Promise<void> {
    const slot = this.slot(actor);
    if (slot.status !== 'idle') return Promise.reject(new Error(`${this.name(actor)} has already been started`));
    slot.status = 'running';
    const arrival = this.expectArrival(slot);
    const settled = new Promise<unknown>((resolve) => resolve(program()));
    settled.then(
      (value) => {
        slot.status = 'done';
        slot.value = value;
        this.arrive(slot);
      },
      (error: unknown) => {
        slot.status = 'failed';
        slot.error = error;
        this.arrive(slot);
      },
    );
    return arrival;
  }

  /**
   * Releases exactly `actor` from its gate and resolves when it has reached its next gate or its program has
   * settled. Rejects (without moving anybody) if the actor is not parked.
   */
  step(actor: number): Promise<void> {
    const slot = this.slot(actor);
    const resume = slot.resume;
    if (slot.status !== 'parked' || resume === null) {
      return Promise.reject(new Error(`${this.name(actor)} cannot step: it is ${slot.status}, not parked at its gate`));
    }
    slot.resume = null;
    slot.status = 'running';
    const arrival = this.expectArrival(slot);
    resume();
    return arrival;
  }

  status(actor: number): ActorStatus {
    return this.slot(actor).status;
  }

  /** Whether the actor's program has settled (done or failed). */
  settled(actor: number): boolean {
    const { status } = this.slot(actor);
    return status === 'done' || status === 'failed';
  }

  /** What the program resolved with (when done). */
  value(actor: number): unknown {
    return this.slot(actor).value;
  }

  /** What the program threw (when failed). */
  error(actor: number): unknown {
    return this.slot(actor).error;
  }

  private expectArrival(slot: ActorSlot): Promise<void> {
    return new Promise<void>((resolve) => (slot.arrived = resolve));
  }

  private arrive(slot: ActorSlot): void {
    const arrived = slot.arrived;
    slot.arrived = null;
    arrived?.();
  }

  private slot(actor: number): ActorSlot {
    const slot = this.slots[actor];
    if (slot === undefined) throw new RangeError(`no actor ${actor} (there are ${this.slots.length})`);
    return slot;
  }

  private name(actor: number): string {
    return this.actors[actor] ?? `actor ${actor}`;
  }
}

/**
 * Releases `actor` for one step and returns the one record that step appended to the actor's record lists
 * (whatever its code logs at each gate it passes: a statement, a shared-memory access). A step that appended
 * none, or several, breaks the driver's contract (the code passed a gate without recording, or failed): the
 * error names the actor and, when its program failed, why.
 */
export async function stepOneRecord<R>(gates: LockStepGates, actor: number, lists: readonly (readonly R[])[]): Promise<R> {
  const before = lists.map((list) => list.length);
  await gates.step(actor);
  const taken = lists.flatMap((list, i) => list.slice(before[i]));
  const record = taken[0];
  if (record === undefined || taken.length > 1) {
    const failure = gates.status(actor) === 'failed' ? `: ${String(gates.error(actor))}` : '';
    throw new Error(`${gates.actors[actor] ?? `actor ${actor}`} took a step that recorded ${taken.length} steps${failure}`);
  }
  return record;
}
