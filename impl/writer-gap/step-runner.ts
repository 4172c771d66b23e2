/**
 * How the storage backend takes a step. Every SQL statement and every access to the memory cache or the write
 * queue goes through `step()`, which first awaits the calling actor's gate (DESIGN.md, "Real SQLite, one step
 * at a time"). In production that is `directSteps`: no gate, the code just runs. Under the lock-step driver it
 * is `LockStepActors`: the backend is shared by every actor (workers, the background writer, the reader, as the
 * seed's threads share one StorageBackend), so the caller is found the way a thread would be, from the async
 * context it runs in (AsyncLocalStorage), and each step is recorded with its action and outcome words.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import Database from 'better-sqlite3';
import { LockStepGates, type Gate } from '../gate/step-gate.js';

export interface StepRunner {
  /** Runs `run` as one step of the calling actor; `describe` words its result ('ok' when absent). */
  step<T>(action: string, run: () => T | Promise<T>, describe?: (result: T) => string): Promise<T>;
}

/** Production: no gate, nothing recorded. */
export const directSteps: StepRunner = {
  async step<T>(_action: string, run: () => T | Promise<T>): Promise<T> {
    return run();
  },
};

export interface StepRecordText {
  readonly action: string;
  readonly outcome: string;
}

interface ActorSlot {
  readonly owner: LockStepActors;
  readonly gate: Gate;
  readonly records: StepRecordText[];
}

/**
 * The actor an async context runs as. One instance for the whole process: every enabled AsyncLocalStorage adds
 * work to every promise created anywhere (Node 20), so one per run would slow each later run down.
 */
const currentActor = new AsyncLocalStorage<ActorSlot>();

/** The lock-step driver's StepRunner: one gate and one list of records per actor. */
export class LockStepActors implements StepRunner {
  private readonly gates: LockStepGates;
  private readonly slots: ActorSlot[];

  constructor(readonly actors: readonly string[]) {
    this.gates = new LockStepGates(actors);
    this.slots = actors.map((_, i) => ({ owner: this, gate: this.gates.gate(i), records: [] }));
  }

  /** Starts `program` as `actor`; resolves once it is parked at its first step (or has settled). */
  start(actor: number, program: () => Promise<unknown>): Promise<void> {
    const slot = this.slot(actor);
    return this.gates.start(actor, () => currentActor.run(slot, program));
  }

  async step<T>(action: string, run: () => T | Promise<T>, describe: (result: T) => string = () => 'ok'): Promise<T> {
    const slot = currentActor.getStore();
    if (slot === undefined || slot.owner !== this) throw new Error(`step '${action}' taken outside any actor of this lock-step run`);
    await slot.gate();
    let result: T;
    try {
      result = await run();
    } catch (error) {
      slot.records.push({ action, outcome: error instanceof Database.SqliteError ? error.code : String(error) });
      throw error;
    }
    slot.records.push({ action, outcome: describe(result) });
    return result;
  }

  /** Lets `actor` take exactly one step; returns the record of that step. */
  async release(actor: number): Promise<StepRecordText> {
    const { records } = this.slot(actor);
    const before = records.length;
    await this.gates.step(actor);
    const taken = records.slice(before);
    if (taken.length !== 1) {
      const failure = this.gates.status(actor) === 'failed' ? `: ${String(this.gates.error(actor))}` : '';
      throw new Error(`${this.actors[actor]} took a step that recorded ${taken.length} actions${failure}`);
    }
    return taken[0]!;
  }

  records(actor: number): readonly StepRecordText[] {
    return this.slot(actor).records;
  }

  status(actor: number) {
    return this.gates.status(actor);
  }

  settled(actor: number): boolean {
    return this.gates.settled(actor);
  }

  value(actor: number): unknown {
    return this.gates.value(actor);
  }

  error(actor: number): unknown {
    return this.gates.error(actor);
  }

  private slot(actor: number): ActorSlot {
    const slot = this.slots[actor];
    if (slot === undefined) throw new RangeError(`no actor ${actor} (there are ${this.slots.length})`);
    return slot;
  }
}
