/**
 * The threads runtime: every actor runs in a worker thread of its own (actor-thread.worker.ts), calling the
 * user's synchronous better-sqlite3 code with gated connections, and stops before each statement until the
 * schedule picks it. This file is the runtime boundary on the main side: `ActorThreads.start` is the one place
 * where an actor's thread is given its program, `step` the one place where a step is handed over.
 *
 * Threads are reused from run to run (a worker thread costs milliseconds to start, a run well under one): an
 * exploration keeps one thread per actor and closes them all at the end. A thread that does not come back
 * within the stall bound is terminated (it is stuck in code lockstep does not control) and replaced next run.
 */
import { Worker } from 'node:worker_threads';
import type { RealRun, RealStepRecord } from '../engine-seam.js';
import { exposeSlots, type UserRun, type UserRunOptions } from './async-runtime.js';
import { CONTROL, type ActorThreadData, type ActorThreadMessage, type RunActorMessage } from './actor-thread.protocol.js';
import { RunDriver } from './run-driver.js';
import type { ThreadsScenarioDefinition } from './scenario-definition.js';

const WORKER_URL = new URL('./actor-thread.worker.js', import.meta.url);

/** A usage error found while loading the scenario in a thread (bad module, no such scenario). */
export class ScenarioLoadError extends Error {
  override readonly name = 'ScenarioLoadError';
}

class ActorThread {
  readonly worker: Worker;
  readonly control: Int32Array;
  private readonly inbox: ActorThreadMessage[] = [];
  private expect: ((message: ActorThreadMessage) => void) | null = null;
  /** False once the thread was terminated or died. */
  alive = true;

  constructor() {
    const buffer = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
    this.control = new Int32Array(buffer);
    const data: ActorThreadData = { control: buffer };
    this.worker = new Worker(WORKER_URL, { workerData: data });
    this.worker.unref();
    this.worker.on('message', (message: ActorThreadMessage) => this.deliver(message));
    this.worker.on('error', (error) => {
      this.alive = false;
      this.deliver({ kind: 'failed', error: { name: error.name, message: error.message }, records: [] });
    });
    this.worker.on('exit', () => {
      this.alive = false;
    });
  }

  /** The next message, or null after `timeoutMs`. */
  next(timeoutMs: number): Promise<ActorThreadMessage | null> {
    const queued = this.inbox.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.expect = null;
        resolve(null);
      }, timeoutMs);
      this.expect = (message) => {
        clearTimeout(timer);
        resolve(message);
      };
    });
  }

  signal(word: number): void {
    Atomics.store(this.control, 0, word);
    Atomics.notify(this.control, 0);
  }

  async terminate(): Promise<void> {
    this.alive = false;
    await this.worker.terminate().catch(() => undefined);
  }

  private deliver(message: ActorThreadMessage): void {
    const expect = this.expect;
    this.expect = null;
    if (expect === null) this.inbox.push(message);
    else expect(message);
  }
}

/** The actor threads of one exploration, one per actor, reused by every run. */
export class ActorThreads {
  private threads: (ActorThread | null)[];

  constructor(count: number) {
    this.threads = Array.from({ length: count }, () => null);
  }

  /** The one place where an actor's thread is given its program. */
  start(index: number, message: RunActorMessage): ActorThread {
    let thread = this.threads[index];
    if (thread == null || !thread.alive) {
      thread = new ActorThread();
      this.threads[index] = thread;
    }
    Atomics.store(thread.control, 0, CONTROL.wait);
    thread.worker.postMessage(message);
    return thread;
  }

  async close(): Promise<void> {
    const threads = this.threads;
    this.threads = threads.map(() => null);
    await Promise.all(threads.map((t) => t?.terminate()));
  }
}

export async function openThreadsRun(definition: ThreadsScenarioDefinition, threads: ActorThreads, options: UserRunOptions): Promise<UserRun> {
  const actors = Object.keys(definition.actors);
  const driver = new RunDriver(actors);
  const running: ActorThread[] = [];
  let closed = false;

  /** Takes in what a thread reported; returns its records. */
  const absorb = (i: number, message: ActorThreadMessage): RealStepRecord[] => {
    switch (message.kind) {
      case 'parked':
        driver.parked(i, message.pending);
        return [...message.records];
      case 'done':
        driver.settled(i, { value: message.value });
        return [...message.records];
      case 'failed':
        driver.settled(i, { error: message.error });
        return [...message.records];
      case 'load-error':
        throw new ScenarioLoadError(message.message);
    }
  };

  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    // Unwind every unfinished actor (its gate throws RunAborted) and wait for its thread to report; a thread
    // that does not is stuck in user code and is terminated.
    await Promise.all(
      running.map(async (thread, i) => {
        if (driver.finished(i)) return;
        if (driver.slots[i]!.status === 'parked') thread.signal(CONTROL.abort);
        for (;;) {
          const message = await thread.next(options.stallTimeoutMs);
          if (message === null) {
            await thread.terminate();
            return;
          }
          if (message.kind === 'parked') {
            thread.signal(CONTROL.abort);
            continue;
          }
          return;
        }
      }),
    );
  };

  try {
    actors.forEach((actor, i) => {
      const message: RunActorMessage = { kind: 'run', module: definition.module, scenario: definition.name, actor, index: i, file: options.file, journal: options.journal, busyTimeoutMs: options.busyTimeoutMs };
      running.push(threads.start(i, message));
    });
    for (const [i, thread] of running.entries()) {
      const message = await thread.next(options.stallTimeoutMs);
      if (message === null) {
        driver.slots[i]!.status = 'blocked';
        throw driver.stall(options.stallTimeoutMs, 'stallTimeoutMs');
      }
      const records = absorb(i, message);
      if (records.length > 0) throw new Error(`${actors[i]} left a record before its first step`);
    }
  } catch (error) {
    await close();
    throw error;
  }

  const run: UserRun & RealRun = {
    actors,
    connections: driver.connections,
    finished: (actor) => driver.finished(actor),
    enabled: () => driver.enabled(),
    pending: (actor) => driver.slots[actor]?.pending ?? null,
    results: () => driver.results(),
    /** The one place where a step is handed over. */
    async step(actor): Promise<RealStepRecord> {
      if (closed) throw new Error('the run is closed');
      const slot = driver.slots[actor];
      const thread = running[actor];
      if (slot === undefined || thread === undefined) throw new RangeError(`no actor ${actor}`);
      if (slot.status !== 'parked') throw new Error(`${actors[actor]} cannot step: it is ${slot.status}`);
      const resume = driver.resumeFor(actor);
      slot.status = 'running';
      slot.pending = null;
      thread.signal(resume === 'deadline' ? CONTROL.deadline : CONTROL.go);
      const message = await thread.next(options.stallTimeoutMs);
      if (message === null) {
        slot.status = 'blocked';
        throw driver.stall(options.stallTimeoutMs, 'stallTimeoutMs');
      }
      return driver.take(actor, absorb(actor, message));
    },
    observe: () => driver.results(),
    expose: () => exposeSlots(actors, driver.slots),
    close,
  };
  return run;
}
