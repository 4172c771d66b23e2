/**
 * The leaked-transaction scenario (seed 004) on the real engine: each thread is a real worker thread
 * (leaked-transaction-thread.worker.ts) with its own better-sqlite3 connection, kept for its whole life, to a
 * fresh database in WAL mode, running seed 004's calls in TypeScript as ordinary synchronous code; the
 * lock-step driver lets exactly one thread move between two gates. Implements the RealRun seam; the step
 * records and the observation use the model's words and shape, declared again here (impl/ never imports spec/).
 * A fresh folder per run, and threads that start the run from nothing (pooled, so not started anew); close()
 * gives back the threads that finished their program, terminates the others, and removes the folder, also
 * after a failure.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { abortRun, releaseGate, WorkerPool } from '../async/worker-pool.js';
import type { RealRun, RealStepRecord } from '../engine-seam.js';
import type { DbUtilsPolicy } from './db-utils.js';
import { DORK, LEARNING_SCHEMA, PATTERN } from './learning-db.js';
import type { LeakedThreadData, LeakedThreadMessage, LeakedThreadState, ThreadCallRecord } from './leaked-transaction-thread.protocol.js';
import type { ProgramOptions } from './thread-program.js';
import { threadPrograms } from './thread-program.js';

/** The threads, reused from run to run (a run is still each thread's whole life: see ../async/worker-pool.ts). */
const THREADS = new WorkerPool(new URL('./leaked-transaction-thread.worker.js', import.meta.url));

export interface LeakedTransactionRunOptions extends ProgramOptions {
  readonly policy: DbUtilsPolicy;
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly busyTimeoutMs: number;
  readonly parentDir?: string;
}

/** The model's LeakedObservation, declared again (structurally the same). */
export interface LeakedThreadView {
  readonly name: string;
  readonly status: 'running' | 'waiting' | 'sleeping' | 'done';
  readonly inCall: boolean;
  readonly inTransaction: boolean;
  readonly holdsWriteLock: boolean;
  readonly calls: readonly ThreadCallRecord[];
}

export interface LeakedObservation {
  readonly threads: readonly LeakedThreadView[];
  readonly committed: { readonly timesUsed: number; readonly successCount: number; readonly batchRuns: number };
}

export interface LeakedTransactionRealRun extends RealRun {
  readonly dir: string;
  observe(): LeakedObservation;
}

interface ThreadSlot {
  readonly worker: Worker;
  /** parked at a gate, done (its program ended: the thread can serve another run), or failed. */
  status: 'parked' | 'done' | 'failed';
  error: string | null;
  state: LeakedThreadState;
  readonly inbox: LeakedThreadMessage[];
  expect: ((message: LeakedThreadMessage) => void) | null;
}

const INITIAL_STATE: LeakedThreadState = { status: 'running', inCall: false, inTransaction: false, holdsWriteLock: false, calls: [] };
const threadName = (i: number): string => `thread-${i}`;

function deliver(slot: ThreadSlot, message: LeakedThreadMessage): void {
  const expect = slot.expect;
  slot.expect = null;
  if (expect === null) slot.inbox.push(message);
  else expect(message);
}

function validate(options: LeakedTransactionRunOptions): void {
  for (const name of ['maxAttempts', 'baseDelayMs', 'busyTimeoutMs', 'holdMs', 'workMs', 'laterRecords'] as const) {
    const value = options[name];
    if (!Number.isInteger(value) || value < 0) throw new RangeError(`${name} must be a whole number >= 0, got ${String(value)}`);
  }
  if (options.maxAttempts < 1) throw new RangeError(`maxAttempts must be at least 1, got ${options.maxAttempts}`);
  if (options.report !== 'after-record' && options.report !== 'none') throw new RangeError(`report must be after-record or none, got ${String(options.report)}`);
  if (options.holder !== 'leaked-lock' && options.holder !== 'long-transaction') throw new RangeError(`holder must be leaked-lock or long-transaction, got ${String(options.holder)}`);
}

export async function openLeakedTransactionRun(options: LeakedTransactionRunOptions): Promise<LeakedTransactionRealRun> {
  validate(options);
  const programs = threadPrograms(options);
  const actors = programs.map((_, i) => threadName(i));
  const dir = mkdtempSync(join(options.parentDir ?? tmpdir(), 'lockstep-'));
  const control = new SharedArrayBuffer(actors.length * Int32Array.BYTES_PER_ELEMENT);
  const controlWords = new Int32Array(control);
  const threads: ThreadSlot[] = [];
  let observer: Database.Database | null = null;
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await Promise.all(
      threads.map(async (t, i) => {
        // A thread still inside its program is asked to abort it; one that ends can serve another run.
        const ended = t.status !== 'parked' || (await abortRun(controlWords, i, untilEnd(t)));
        await THREADS.giveBack(t.worker, ended && t.status !== 'failed');
      }),
    );
    if (observer?.open) observer.close();
    rmSync(dir, { recursive: true, force: true });
  };
  const next = (slot: ThreadSlot): Promise<LeakedThreadMessage> => {
    const queued = slot.inbox.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve) => {
      slot.expect = resolve;
    });
  };
  /** The thread's last message of the run, after an abort (gates post nothing more once aborted). */
  const untilEnd = async (slot: ThreadSlot): Promise<void> => {
    while (slot.status === 'parked') absorb(slot, await next(slot));
  };
  const absorb = (slot: ThreadSlot, message: LeakedThreadMessage): void => {
    switch (message.kind) {
      case 'parked':
      case 'done':
        slot.status = message.kind;
        slot.state = message.state;
        return;
      case 'failed':
        slot.status = 'failed';
        slot.error = message.error;
        if (message.state !== null) slot.state = message.state;
        return;
    }
  };

  let readCommitted: () => LeakedObservation['committed'];
  try {
    const file = join(dir, 'learning.db');
    const setup = new Database(file, { timeout: 0 });
    try {
      // A scratch database: no fsync while it is made (the runs' own connections keep synchronous=NORMAL).
      setup.pragma('synchronous = OFF');
      setup.pragma('journal_mode = WAL');
      setup.transaction(() => setup.exec(LEARNING_SCHEMA))();
    } finally {
      setup.close();
    }
    // Reads in autocommit between steps; in WAL mode a reader neither waits nor holds anything afterwards.
    observer = new Database(file, { timeout: 0, readonly: true });
    const timesUsed = observer.prepare<[string], { n: number }>('SELECT times_used AS n FROM learning_dork_performance WHERE query_hash = ?');
    const successCount = observer.prepare<[string, string], { n: number }>('SELECT success_count AS n FROM success_patterns WHERE pattern_type = ? AND pattern_value = ?');
    const batchRuns = observer.prepare<[], { n: number }>("SELECT runs AS n FROM batch_jobs WHERE name = 'nightly'");
    readCommitted = () => ({
      timesUsed: timesUsed.get(DORK.hash)?.n ?? 0,
      successCount: successCount.get(PATTERN.type, PATTERN.value)?.n ?? 0,
      batchRuns: batchRuns.get()?.n ?? 0,
    });
    for (const [index, program] of programs.entries()) {
      const data: LeakedThreadData = {
        index,
        file,
        program,
        policy: options.policy,
        maxAttempts: options.maxAttempts,
        baseDelayMs: options.baseDelayMs,
        busyTimeoutMs: options.busyTimeoutMs,
        control,
      };
      const worker = THREADS.borrow();
      const slot: ThreadSlot = { worker, status: 'parked', error: null, state: INITIAL_STATE, inbox: [], expect: null };
      worker.on('message', (message: LeakedThreadMessage) => deliver(slot, message));
      worker.on('error', (error) => deliver(slot, { kind: 'failed', records: [], state: null, error: error.message }));
      threads.push(slot);
      worker.postMessage({ kind: 'run', data });
    }
    // Every thread has opened its connection and parked at its first gate before anybody steps.
    for (const slot of threads) {
      const message = await next(slot);
      absorb(slot, message);
      if (message.kind !== 'parked') throw new Error(`a thread did not start: ${message.kind === 'failed' ? message.error : 'it finished before its first step'}`);
    }
  } catch (error) {
    await close();
    throw error;
  }

  let committed = readCommitted();
  const viewOf = (i: number): LeakedThreadView => {
    const slot = threads[i]!;
    if (slot.status === 'failed') throw new Error(`${actors[i]} failed: ${slot.error ?? 'unknown'}`);
    const { status, inCall, inTransaction, holdsWriteLock, calls } = slot.state;
    return { name: actors[i]!, status: slot.status === 'done' ? 'done' : status, inCall, inTransaction, holdsWriteLock, calls };
  };

  return {
    actors,
    dir,
    finished: (actor) => {
      const status = threads[actor]?.status;
      return status === 'done' || status === 'failed';
    },
    async step(actor): Promise<RealStepRecord> {
      if (closed) throw new Error('the run is closed');
      const slot = threads[actor];
      if (slot === undefined) throw new RangeError(`no actor ${actor}`);
      if (slot.status !== 'parked') throw new Error(`${actors[actor]} cannot step: it has finished`);
      const arrival = next(slot);
      releaseGate(controlWords, actor);
      const message = await arrival;
      absorb(slot, message);
      committed = readCommitted();
      if (message.kind === 'failed') throw new Error(`${actors[actor]} failed: ${message.error}`);
      const record = message.records[0];
      if (record === undefined || message.records.length !== 1) throw new Error(`${actors[actor]} took a step that recorded ${message.records.length} steps`);
      return { actor: actors[actor]!, ...record };
    },
    observe: (): LeakedObservation => ({ threads: actors.map((_, i) => viewOf(i)), committed }),
    close,
  };
}
