/**
 * One actor thread of the threads runtime. It imports the user's scenario module by URL, finds the scenario
 * by name, and runs the named actor's ordinary synchronous code with gated connections. The gate is a blocking
 * handshake (as impl/pool/pool-thread.worker.ts): arriving at a scheduling point the thread posts the record of
 * the step it just took and what it is about to do, then sleeps on its control word until the runtime sets it.
 * So exactly one thread runs between two gates. The thread is reused from run to run: when its actor has
 * finished it closes its connections, reports, and waits for the next run.
 *
 * The virtual clock. For the length of a run the thread's Date, performance and timers are a virtual clock
 * (virtual-clock.ts) that the main thread drives: every hand-over carries the run's time (the `time` word), and
 * the clock is moved to it without running any callback, because the thread is stopped inside a synchronous
 * call where no callback can run; a timer whose time passed meanwhile fires as soon as the thread is free
 * again. When the actor neither parks nor finishes once its microtasks are done, it awaits something: if a timer
 * is pending it is reported `sleeping` until the first one, and the runtime later sends `advance` to fire it;
 * if none is, it awaits something lockstep does not control, and the runtime's stall bound reports it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { RunAborted, type ActorStepRecord, type PendingStep, type Resume, type SyncActorChannel } from '../gated/actor-channel.js';
import { GatedDatabase } from '../gated/sync-gated-database.js';
import type { ActorThreadData, ActorThreadMessage, RunActorMessage, ToActorThread } from './actor-thread.protocol.js';
import type { ClockTouch } from './clock-plan.js';
import { CONTROL } from './actor-thread.protocol.js';
import { openRawConnection } from './run-database.js';
import { actorErrorOf, findThreadsScenario, type ThreadActorContext } from './scenario-definition.js';
import { VirtualClock } from './virtual-clock.js';

const port = parentPort;
if (port === null) throw new Error('actor-thread.worker.js must run in a worker thread');
const data = workerData as ActorThreadData;
const control = new Int32Array(data.control);
const time = new Float64Array(data.time);

const send = (message: ActorThreadMessage): void => port.postMessage(message);

/** A value that can cross to the main thread: itself when it clones, else its text. */
function cloneable(value: unknown): unknown {
  try {
    return structuredClone(value);
  } catch {
    return String(value);
  }
}

/** The run this thread is taking part in (one at a time). */
class ActorRun {
  private records: ActorStepRecord[] = [];
  /** Counts parks and the end, so that a check scheduled before either can tell it is out of date. */
  private generation = 0;
  private finished = false;
  readonly connections: GatedDatabase[] = [];
  /** What the current step did to the clock so far, and the timers there were when it was last looked at. */
  private touch: { readTime: boolean; changedTimers: boolean } = { readTime: false, changedTimers: false };
  private timersBefore: ReadonlySet<number> = new Set();

  constructor(
    readonly actor: string,
    readonly clock: VirtualClock | null,
  ) {}

  get done(): boolean {
    return this.finished;
  }

  record(record: ActorStepRecord): void {
    this.records.push(record);
  }

  take(): ActorStepRecord[] {
    const out = this.records;
    this.records = [];
    return out;
  }

  /** Adds what user code did to the clock since the last look to the current step's touch; returns it. */
  noteTouch(): ClockTouch {
    if (this.clock !== null) {
      const seen = this.clock.touchedSince(this.timersBefore);
      this.touch = { readTime: this.touch.readTime || seen.readTime, changedTimers: this.touch.changedTimers || seen.changedTimers };
      this.timersBefore = this.clock.timerIds();
    }
    return this.touch;
  }

  /** A new step begins: nothing touched yet. */
  private beginStep(): void {
    this.touch = { readTime: false, changedTimers: false };
    if (this.clock !== null) {
      this.clock.resetReads();
      this.timersBefore = this.clock.timerIds();
    }
  }

  park(pending: PendingStep): Resume {
    this.generation++;
    send({ kind: 'parked', pending, records: this.take(), touch: this.noteTouch() });
    // Wait until the runtime has stored a word, however the wait returns: the runtime stores, then notifies, and on
    // a loaded machine its notify for the previous hand-over can land after this thread has consumed that word, run
    // the step and come back to wait here; woken by it, the word is still 0 and this thread must not move (it did,
    // once: a statement ran out of turn, found by the lock model beside disagreeing with real SQLite).
    while (Atomics.load(control, 0) === CONTROL.wait) Atomics.wait(control, 0, CONTROL.wait);
    const word = Atomics.exchange(control, 0, CONTROL.wait);
    if (word === CONTROL.abort) throw new RunAborted(this.actor);
    // The hand-over carries the run's time (written before the control word, so visible after the wait).
    this.clock?.moveLeavingDue(time[0]!);
    this.beginStep();
    this.watchIdle();
    return word === CONTROL.deadline ? 'deadline' : 'go';
  }

  /**
   * Fires the first timer, due at `to` (the thread is free: its actor sleeps, and the runtime picked its wake-up);
   * the others due then fire one by one as the thread frees up again (watchIdle), each after the microtasks of the last.
   */
  advance(to: number): void {
    const next = this.clock?.nextTimer() ?? null;
    this.beginStep();
    if (next !== null && next.at <= to) this.clock!.fireNext();
    else this.clock?.moveTo(to);
    this.watchIdle();
  }

  /** After the microtasks: if the actor neither parked nor finished, it awaits something. */
  watchIdle(): void {
    const seen = this.generation;
    setImmediate(() =>
      setImmediate(() => {
        if (seen !== this.generation || this.finished || this.clock === null) return;
        const next = this.clock.nextTimer();
        if (next === null) return; // awaits something else: the runtime's stall bound reports it
        if (next.at <= this.clock.now) {
          // Its time came while the thread was busy: it fires now, late.
          this.clock.fireNext();
          this.watchIdle();
          return;
        }
        send({ kind: 'sleeping', wakeAt: next.at, records: this.take(), touch: this.noteTouch() });
      }),
    );
  }

  /** The actor's function settled, or the run closed while it slept: connections closed, timers dropped. Returns the last step's touch. */
  finish(): ClockTouch {
    this.finished = true;
    this.generation++;
    for (const db of this.connections) db.close();
    const touch = this.noteTouch();
    const dropped = (this.clock?.timerIds().size ?? 0) > 0;
    this.clock?.uninstall();
    return dropped ? { ...touch, changedTimers: true } : touch;
  }
}

let current: ActorRun | null = null;

async function runActor(message: RunActorMessage): Promise<void> {
  try {
    await import(message.module);
  } catch (error) {
    send({ kind: 'load-error', message: `the scenario module ${message.module} could not be imported in a worker thread: ${error instanceof Error ? error.message : String(error)}` });
    return;
  }
  const definition = findThreadsScenario(message.module, message.scenario);
  const program = definition?.actors[message.actor];
  if (program === undefined) {
    send({ kind: 'load-error', message: `${message.module} defines no threads scenario "${message.scenario}" with an actor "${message.actor}" when imported in a worker thread (define the scenario at the top level of its module)` });
    return;
  }
  const run = new ActorRun(message.actor, message.clockStart === null ? null : VirtualClock.install(message.clockStart));
  current = run;
  let aborted = false;
  const channel: SyncActorChannel = {
    actor: message.actor,
    park(pending: PendingStep): Resume {
      if (aborted || run.done) throw new RunAborted(message.actor);
      try {
        return run.park(pending);
      } catch (error) {
        if (error instanceof RunAborted) aborted = true;
        throw error;
      }
    },
    record: (record) => run.record(record),
  };
  const context: ThreadActorContext = {
    actor: message.actor,
    index: message.index,
    open(): GatedDatabase {
      const db = new GatedDatabase(openRawConnection(message.file), channel, run.connections.length, message.journal, message.busyTimeoutMs);
      run.connections.push(db);
      return db;
    },
    point(label: string): void {
      channel.park({ type: 'point', label });
      channel.record({ actor: message.actor, action: `point ${label}`, outcome: 'ok' });
    },
  };
  run.watchIdle();
  let outcome: { value: unknown } | { error: unknown };
  try {
    outcome = { value: await program(context) };
  } catch (error) {
    outcome = { error };
  }
  if (run.done) return; // the run was closed while the actor slept; already reported
  const touch = run.finish();
  if (current === run) current = null;
  if ('value' in outcome) send({ kind: 'done', value: cloneable(outcome.value), records: run.take(), touch });
  else send({ kind: 'failed', error: actorErrorOf(outcome.error), records: run.take(), touch });
}

port.on('message', (message: ToActorThread) => {
  switch (message.kind) {
    case 'run':
      void runActor(message);
      return;
    case 'advance':
      current?.advance(message.to);
      return;
    case 'abort': {
      const run = current;
      if (run === null || run.done) return;
      run.finish();
      current = null;
      send({ kind: 'failed', error: actorErrorOf(new RunAborted(run.actor)), records: run.take() });
      return;
    }
  }
});
