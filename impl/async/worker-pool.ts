/**
 * Worker threads kept from one lock-step run to the next. Starting a worker thread (a V8 isolate, Node's
 * bootstrap, the modules its script imports) takes about 50 to 150 ms, more than the whole run it serves, and a
 * real check replays dozens of schedules, each on fresh state; so the thread engines borrow their threads here.
 *
 * The contract with a pooled worker script (see `serveRuns`): it waits for `{ kind: 'run', data }` messages and
 * serves each one from scratch (every object of the run made anew inside the run: its connection, its slot, its
 * records), posting the run's messages; after the last message of a run it posts nothing until the next one.
 * So a thread's "whole life" in a scenario is one run, whatever the thread did before.
 *
 * A borrowed worker goes back with `giveBack(worker, reusable)`: reusable only when its program has ended (it
 * posted its last message); a worker still inside a run is first asked to abort (its gates then throw
 * RunAborted, so its program unwinds and ends), and one that does not end is terminated. Idle workers never
 * keep the process alive (unref) and are terminated once the pool has been idle for `idleMs`, so nothing is
 * left behind after a check.
 */
import { parentPort, Worker } from 'node:worker_threads';

export class WorkerPool {
  private readonly idle: Worker[] = [];
  private lent = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly url: URL,
    private readonly idleMs = 1000,
  ) {}

  /** A worker for one run: an idle one, or a new one. Its message and error listeners are the caller's until giveBack. */
  borrow(): Worker {
    this.stopTimer();
    const worker = this.idle.pop() ?? this.spawn();
    worker.ref();
    this.lent++;
    return worker;
  }

  /** Returns a borrowed worker: kept for the next run when `reusable`, else terminated. */
  async giveBack(worker: Worker, reusable: boolean): Promise<void> {
    this.lent--;
    worker.removeAllListeners('message');
    worker.removeAllListeners('error');
    if (!reusable) {
      await worker.terminate().catch(() => undefined);
    } else {
      worker.unref();
      this.idle.push(worker);
    }
    if (this.lent === 0 && this.idle.length > 0) this.startTimer();
  }

  /** Idle workers now (for tests and for the report). */
  get idleCount(): number {
    return this.idle.length;
  }

  /** Terminates every idle worker at once. */
  async drain(): Promise<void> {
    this.stopTimer();
    const workers = this.idle.splice(0);
    await Promise.all(workers.map((w) => w.terminate().catch(() => undefined)));
  }

  private spawn(): Worker {
    const worker = new Worker(this.url);
    // A worker that dies while idle is forgotten.
    worker.once('exit', () => {
      const at = this.idle.indexOf(worker);
      if (at !== -1) this.idle.splice(at, 1);
    });
    return worker;
  }

  private startTimer(): void {
    this.stopTimer();
    this.timer = setTimeout(() => void this.drain(), this.idleMs);
    this.timer.unref();
  }

  private stopTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}

/** The message that starts a run in a pooled worker. */
export interface RunMessage<D> {
  readonly kind: 'run';
  readonly data: D;
}

/** The worker side of the contract: serve every `run` message with `run(data)`, one at a time. */
export function serveRuns<D>(run: (data: D) => void): void {
  const port = parentPort;
  if (port === null) throw new Error('a pooled worker script must run in a worker thread');
  port.on('message', (message: RunMessage<D>) => {
    if (message?.kind === 'run') run(message.data);
  });
}

/** Control word values: the driver sets GATE_STEP to let a parked thread take one step, GATE_ABORT to end its run. */
export const GATE_STEP = 1;
export const GATE_ABORT = 2;

/** What a gate throws once the driver has aborted the run: the program unwinds, and the worker can serve again. */
export class RunAborted extends Error {
  override readonly name = 'RunAborted';

  constructor() {
    super('the lock-step run was closed before this thread finished');
  }
}

/**
 * The blocking gate of a worker thread under the lock-step driver: `arrive()` reports the step just taken, then
 * the thread sleeps on its control word until the driver sets it. After an abort every gate throws at once,
 * without reporting or waiting, so code that catches the error and passes another gate cannot hang.
 */
export function blockingGate(control: Int32Array, index: number, arrive: () => void): () => void {
  let aborted = false;
  return () => {
    if (aborted) throw new RunAborted();
    arrive();
    Atomics.wait(control, index, 0);
    if (Atomics.exchange(control, index, 0) === GATE_ABORT) {
      aborted = true;
      throw new RunAborted();
    }
  };
}

/** Driver side: lets the thread parked on `control[index]` take one step. */
export function releaseGate(control: Int32Array, index: number): void {
  Atomics.store(control, index, GATE_STEP);
  Atomics.notify(control, index);
}

/**
 * Driver side, at close: asks the thread parked on `control[index]` to abort its run, and resolves with whether
 * it ended (`ended` resolves when the worker posts its last message of the run) within `ms`.
 */
export async function abortRun(control: Int32Array, index: number, ended: Promise<unknown>, ms = 1000): Promise<boolean> {
  Atomics.store(control, index, GATE_ABORT);
  Atomics.notify(control, index);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([ended.then(() => true), late]);
  } finally {
    clearTimeout(timer);
  }
}
