/**
 * The threads runtime: every actor runs in a worker thread of its own (actor-thread.worker.ts), calling the
 * user's synchronous better-sqlite3 code with gated connections, and stops before each statement until the
 * schedule picks it. This file is the runtime boundary on the main side: `ActorThreads.start` is the one place
 * where an actor's thread is given its program, `step` the one place where a step is handed over.
 *
 * Threads are reused from run to run (a worker thread costs milliseconds to start, a run well under one): an
 * exploration keeps one thread per actor and closes them all at the end. A thread that does not come back
 * within the stall bound is terminated (it is stuck in code lockstep does not control) and replaced next run.
 *
 * The virtual clock: the main thread owns the run's time (RunDriver.now) and every thread keeps a clock of its own
 * set to it at each hand-over (actor-thread.worker.ts); the main thread's clock (installed for the run, for the
 * user's checks) is moved with it. A thread whose actor awaits a timer reports `sleeping` until it; a clock step
 * wakes the sleeping threads in the order of their timers, one at a time, each running up to its next gate.
 */
import { Worker } from 'node:worker_threads';
import type { RealRun, RealStepRecord } from '../engine-seam.js';
import { exposeSlots, wokeOutcome, type UserRun, type UserRunOptions } from './async-runtime.js';
import { CONTROL, type ActorThreadData, type ActorThreadMessage, type RunActorMessage, type ToActorThread } from './actor-thread.protocol.js';
import { UNTOUCHED, type ClockTouch } from './clock-plan.js';
import { realClearTimeout, realSetTimeout } from './real-timers.js';
import { RunDriver, type SlotStatus } from './run-driver.js';
import type { ThreadsScenarioDefinition } from './scenario-definition.js';
import { VirtualClock } from './virtual-clock.js';

const WORKER_URL = new URL('./actor-thread.worker.js', import.meta.url);

/** A usage error found while loading the scenario in a thread (bad module, no such scenario). */
export class ScenarioLoadError extends Error {
  override readonly name = 'ScenarioLoadError';
}

class ActorThread {
  readonly worker: Worker;
  readonly control: Int32Array;
  /** The run's virtual time, handed over with every step. */
  readonly time: Float64Array;
  private readonly inbox: ActorThreadMessage[] = [];
  private expect: ((message: ActorThreadMessage) => void) | null = null;
  /** False once the thread was terminated or died. */
  alive = true;

  constructor() {
    const buffer = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
    this.control = new Int32Array(buffer);
    const timeBuffer = new SharedArrayBuffer(Float64Array.BYTES_PER_ELEMENT);
    this.time = new Float64Array(timeBuffer);
    const data: ActorThreadData = { control: buffer, time: timeBuffer };
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
      const timer = realSetTimeout(() => {
        this.expect = null;
        resolve(null);
      }, timeoutMs);
      this.expect = (message) => {
        realClearTimeout(timer);
        resolve(message);
      };
    });
  }

  /** Lets the thread go from its gate, at virtual time `now`. */
  signal(word: number, now = 0): void {
    this.time[0] = now;
    Atomics.store(this.control, 0, word);
    Atomics.notify(this.control, 0);
  }

  post(message: ToActorThread): void {
    this.worker.postMessage(message);
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
    thread.time[0] = 0;
    thread.post(message);
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
  const clock = options.clock.on ? VirtualClock.install(options.clock.start) : null;
  const driver: RunDriver = new RunDriver(actors, {
    plan: options.clock,
    busyTimeoutMs: options.busyTimeoutMs,
    // Only a thread whose actor sleeps is free to run a timer; a thread stopped at a gate runs its timers later.
    nextTimerAt: () => driver.slots.reduce<number | null>((first, slot) => (slot.status === 'sleeping' && slot.wakeAt !== null && (first === null || slot.wakeAt < first) ? slot.wakeAt : first), null),
  });
  const running: ActorThread[] = [];
  let closed = false;
  let lastTouch: ClockTouch = UNTOUCHED;

  const moveClock = (to: number): void => {
    if (to <= driver.now) return;
    driver.now = to;
    clock?.moveTo(to);
  };

  /** Takes in what a thread reported; returns its records. */
  const absorb = (i: number, message: ActorThreadMessage): RealStepRecord[] => {
    switch (message.kind) {
      case 'parked':
        driver.parked(i, message.pending);
        return [...message.records];
      case 'sleeping':
        driver.sleeping(i, message.wakeAt);
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
    // Unwind every unfinished actor (its gate throws RunAborted; a sleeping one drops its timers) and wait for its
    // thread to report; a thread that does not is stuck in user code and is terminated.
    try {
      await Promise.all(
        running.map(async (thread, i) => {
          if (driver.finished(i)) return;
          const status = driver.slots[i]!.status;
          if (status === 'parked') thread.signal(CONTROL.abort);
          if (status === 'sleeping') thread.post({ kind: 'abort' });
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
            if (message.kind === 'sleeping') {
              thread.post({ kind: 'abort' });
              continue;
            }
            return;
          }
        }),
      );
    } finally {
      clock?.uninstall();
    }
  };

  /** A clock step: wakes the sleeping threads whose timers are due by `to`, earliest first; returns who woke. */
  const advance = async (to: number): Promise<string[]> => {
    const woke: string[] = [];
    for (;;) {
      let first = -1;
      driver.slots.forEach((slot, i) => {
        if (slot.status === 'sleeping' && slot.wakeAt !== null && slot.wakeAt <= to && (first < 0 || slot.wakeAt < driver.slots[first]!.wakeAt!)) first = i;
      });
      if (first < 0) break;
      const slot = driver.slots[first]!;
      moveClock(slot.wakeAt!);
      slot.status = 'running';
      running[first]!.post({ kind: 'advance', to: driver.now });
      const message = await running[first]!.next(options.stallTimeoutMs);
      if (message === null) {
        slot.status = 'blocked';
        throw driver.stall(options.stallTimeoutMs, 'stallTimeoutMs');
      }
      const records = absorb(first, message);
      if (records.length > 0) throw new Error(`${actors[first]} took a step while waking from a timer`);
      // absorb() has set the status from the thread's answer.
      const now = driver.slots[first]!.status as SlotStatus;
      if (now !== 'sleeping' && !woke.includes(actors[first]!)) woke.push(actors[first]!);
    }
    moveClock(to);
    return woke;
  };

  try {
    actors.forEach((actor, i) => {
      const message: RunActorMessage = { kind: 'run', module: definition.module, scenario: definition.name, actor, index: i, file: options.file, journal: options.journal, busyTimeoutMs: options.busyTimeoutMs, clockStart: options.clock.on ? options.clock.start : null };
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
    actors: driver.choices,
    connections: driver.connections,
    finished: (actor) => driver.finished(actor),
    enabled: () => driver.enabled(),
    pending: (actor) => driver.slots[actor]?.pending ?? null,
    isClockChoice: (choice) => driver.isClockChoice(choice),
    timesOut: (actor) => actor < actors.length && driver.slots[actor]?.status === 'parked' && driver.resumeFor(actor) === 'deadline' && driver.deadlineOf(actor) !== null,
    now: () => driver.now,
    lastTouch: () => lastTouch,
    results: () => driver.results(),
    /** The one place where a step is handed over: an actor's step, or a clock step. */
    async step(actor): Promise<RealStepRecord> {
      if (closed) throw new Error('the run is closed');
      if (driver.isClockChoice(actor)) {
        const to = driver.clockTarget(actor);
        if (to === null || !driver.enabled().includes(actor)) throw new Error(`${driver.choices[actor]} cannot step: no timer is pending or no jump is left`);
        const action = driver.describeAdvance(actor, to);
        const woke = await advance(to);
        driver.tookAdvance(actor);
        return { actor: driver.choices[actor]!, action, outcome: wokeOutcome(woke) };
      }
      const slot = driver.slots[actor];
      const thread = running[actor];
      if (slot === undefined || thread === undefined) throw new RangeError(`no actor ${actor}`);
      if (slot.status !== 'parked') throw new Error(`${actors[actor]} cannot step: it is ${slot.status}`);
      const resume = driver.resumeFor(actor);
      // A virtual busy timeout running out: the clock moves to the deadline (no timer is due before it).
      if (resume === 'deadline') moveClock(driver.deadlineOf(actor) ?? driver.now);
      // Its record comes with the thread's next message; should that never come, the stall names this step.
      if (slot.pending !== null) slot.lastAction = slot.pending.type === 'sql' ? slot.pending.text : `point ${slot.pending.label}`;
      slot.status = 'running';
      slot.pending = null;
      thread.signal(resume === 'deadline' ? CONTROL.deadline : CONTROL.go, driver.now);
      const message = await thread.next(options.stallTimeoutMs);
      if (message === null) {
        slot.status = 'blocked';
        throw driver.stall(options.stallTimeoutMs, 'stallTimeoutMs');
      }
      lastTouch = message.kind === 'load-error' ? UNTOUCHED : message.touch ?? UNTOUCHED;
      return driver.take(actor, absorb(actor, message));
    },
    observe: () => driver.results(),
    expose: () => ({ ...exposeSlots(actors, driver.slots), ...(options.clock.on ? { clock: driver.now } : {}) }),
    close,
  };
  return run;
}
