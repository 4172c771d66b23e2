/**
 * The truly concurrent reproduction harness for the Actifix post-mortem (seed 002): N worker threads, each
 * with its own better-sqlite3 connection and a real busy timeout, released together by an Atomics barrier,
 * each acquiring its own ticket in a DEFERRED or an IMMEDIATE transaction.
 *
 * Two barriers, both on one SharedArrayBuffer:
 * - The start barrier. Each worker opens its connection, prepares its statements, warms up, increments the
 *   arrival counter and Atomics.wait's on the gate; once all have arrived the main thread records the release
 *   instant and opens the gate with Atomics.notify, so every worker starts its transaction at the same moment.
 * - The read barrier (`holdAfterRead`, on by default). After its SELECT, each worker keeps its transaction
 *   open until every worker has read (or `holdMs` has passed). In the post-mortem each thread held its read
 *   transaction while the others arrived, so all of them were readers when the first one tried to write.
 *   Left to the thread scheduler that interleaving is likely but not certain (a worker may finish its whole
 *   transaction before another has even begun); the read barrier makes it certain, so a DEFERRED run shows
 *   the bug every time. The hold is the same code in both modes: under BEGIN IMMEDIATE the others cannot
 *   begin while one holds the write lock, so the barrier never fills and the holder waits out `holdMs`
 *   (which shows up in the elapsed times of IMMEDIATE runs, and costs nothing else while the hold is well
 *   below the busy timeout, hence the default of at most a tenth of it). With
 *   `holdAfterRead: false` the workers run straight through and the scheduler decides the interleaving.
 *   Each run reports how close it came to the dangerous situation: `peakReaders` (most workers holding a
 *   read transaction at one moment) and `readsBeforeFirstWrite` (how many had read when the first UPDATE ran).
 *
 * "At once" versus "after waiting". SQLite's busy handler, when it is invoked, retries until the busy timeout
 * has elapsed and only then gives up, so a SQLITE_BUSY that came out of the busy handler takes at least
 * `busyTimeoutMs`; a SQLITE_BUSY for which the handler was not invoked (a read transaction trying to become
 * the writer) comes back in well under a millisecond. The threshold is therefore `busyTimeoutMs / 2`, measured
 * on the failing statement itself: it sits far from both populations, so thread-scheduling noise of even
 * hundreds of milliseconds cannot move a failure from one class to the other. With `busyTimeoutMs: 0` no
 * statement can wait and every failure is "at once".
 *
 * Hygiene: each run gets its own temporary directory (os.tmpdir()/lockstep-XXXXXX), removed in `finally`,
 * also on failure; workers close their connections before reporting; on any failure every worker is
 * terminated (and awaited) before the directory is removed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import {
  INT32_SLOTS,
  RELEASE_AT_BYTE_OFFSET,
  SHARED_BYTES,
  SLOT,
  type BarrierJournal,
  type BarrierMode,
  type BarrierSqlStep,
  type BarrierStepTiming,
  type BarrierWorkerData,
  type BarrierWorkerMessage,
  type BarrierWorkerReport,
} from './protocol.js';

export type { BarrierJournal, BarrierMode, BarrierSqlStep, BarrierStepTiming } from './protocol.js';

export const BARRIER_DEFAULT_BUSY_TIMEOUT_MS = 5000;
/** The default hold, unless a tenth of the busy timeout is less (see `BarrierOptions.holdMs`). */
export const BARRIER_DEFAULT_HOLD_MS = 100;
/** Name of the database file inside each run's temporary directory. */
export const BARRIER_DATABASE_FILE = 'barrier.db';

/** Something the harness did, for observers (tests use it to check the temporary directories). */
export type BarrierEvent =
  | { readonly type: 'dir'; readonly run: number; readonly dir: string }
  | { readonly type: 'released'; readonly run: number };

export interface BarrierOptions {
  /** Worker threads per run, each with its own connection and its own ticket. At least 1. */
  readonly workers: number;
  /** `deferred`: `BEGIN` (the seed's code); `immediate`: `BEGIN IMMEDIATE` (the documented fix). */
  readonly mode: BarrierMode;
  readonly journal: BarrierJournal;
  /** better-sqlite3's `timeout` (SQLite's busy timeout) for every worker connection. Default 5000. */
  readonly busyTimeoutMs?: number;
  /** Runs, each on a fresh database in a fresh temporary directory. At least 1. */
  readonly runs: number;
  /** Hold each read transaction until every worker has read (default true). See the module comment. */
  readonly holdAfterRead?: boolean;
  /**
   * The longest a worker holds its read transaction waiting for the others. Default: 100 ms, or a tenth of
   * the busy timeout if that is less. Under BEGIN IMMEDIATE the holder keeps the write lock for the whole
   * hold, so a hold near or above the busy timeout makes the IMMEDIATE waiters time out (an artefact of the
   * harness, not of the fix): keep it well below `busyTimeoutMs`.
   */
  readonly holdMs?: number;
  /** Called as the harness goes; an exception thrown here aborts the run (and still cleans up). */
  readonly observe?: (event: BarrierEvent) => void;
}

export type BarrierTiming = 'at once' | 'after waiting';

export interface BarrierWorkerResult {
  /** `worker-0`, `worker-1`, ... (the actor names of traces). */
  readonly worker: string;
  readonly ticket: string;
  readonly acquired: boolean;
  /** Extended result code of the failure (`SQLITE_BUSY`, `SQLITE_BUSY_SNAPSHOT`, ...); null when none. */
  readonly code: string | null;
  readonly message: string | null;
  /** The statement that failed; null when none did. */
  readonly failedAt: BarrierSqlStep | null;
  /** Who held the ticket when the SELECT found it taken (never, on a fresh database); null otherwise. */
  readonly heldBy: string | null;
  /** Milliseconds from the release of the start barrier to the result (COMMIT done, or the failure). */
  readonly elapsedMs: number;
  /** Milliseconds the failing statement took; null when none failed. */
  readonly statementMs: number | null;
  /** `at once` when the failing statement took less than `atOnceThresholdMs`; null when none failed. */
  readonly timing: BarrierTiming | null;
  readonly steps: readonly BarrierStepTiming[];
}

export interface BarrierRun {
  /** 1-based. */
  readonly run: number;
  /** How many workers acquired their ticket. */
  readonly acquired: number;
  /**
   * The most workers that held a read transaction at one moment (counted from just after the SELECT to just
   * before COMMIT or just after the failure: a lower bound, never an overstatement).
   */
  readonly peakReaders: number;
  /** How many workers had read when the first UPDATE was attempted; null if nobody got to an UPDATE. */
  readonly readsBeforeFirstWrite: number | null;
  readonly workers: readonly BarrierWorkerResult[];
}

export interface BarrierRange {
  readonly min: number;
  readonly median: number;
  readonly max: number;
}

export interface BarrierSummary {
  readonly runs: number;
  readonly workers: number;
  /** Runs in which every worker acquired its ticket. */
  readonly runsAllAcquired: number;
  readonly medianAcquired: number;
  readonly minAcquired: number;
  readonly maxAcquired: number;
  /** How many runs ended with k tickets acquired, keyed by k. */
  readonly acquiredHistogram: Readonly<Record<string, number>>;
  /** Runs in which every worker had read before the first UPDATE (the post-mortem's interleaving). */
  readonly runsAllReadBeforeWrite: number;
  readonly failures: number;
  readonly failuresAtOnce: number;
  readonly failuresAfterWaiting: number;
  /** Failures by code and statement, e.g. `{ "SQLITE_BUSY on update": 40 }`. */
  readonly failureKinds: Readonly<Record<string, number>>;
  /** Durations of the failing statements; null when nothing failed. */
  readonly failureStatementMs: BarrierRange | null;
  /** Release-to-failure times; null when nothing failed. */
  readonly failureElapsedMs: BarrierRange | null;
  /** Release-to-commit times of the workers that acquired; null when none did. */
  readonly acquiredElapsedMs: BarrierRange | null;
}

export interface BarrierResult {
  readonly workers: number;
  readonly mode: BarrierMode;
  readonly journal: BarrierJournal;
  readonly busyTimeoutMs: number;
  readonly holdAfterRead: boolean;
  readonly holdMs: number;
  /** A failing statement faster than this came back "at once" (busyTimeoutMs / 2). */
  readonly atOnceThresholdMs: number;
  readonly runs: readonly BarrierRun[];
  readonly summary: BarrierSummary;
}

/** Runs the barrier experiment `options.runs` times and summarises it. Runs are sequential. */
export async function runBarrier(options: BarrierOptions): Promise<BarrierResult> {
  const busyTimeoutMs = options.busyTimeoutMs ?? BARRIER_DEFAULT_BUSY_TIMEOUT_MS;
  const holdAfterRead = options.holdAfterRead ?? true;
  const holdMs = options.holdMs ?? Math.min(BARRIER_DEFAULT_HOLD_MS, Math.floor(busyTimeoutMs / 10));
  checkInteger('workers', options.workers, 1);
  checkInteger('runs', options.runs, 1);
  checkInteger('busyTimeoutMs', busyTimeoutMs, 0);
  checkInteger('holdMs', holdMs, 0);
  if (options.mode !== 'deferred' && options.mode !== 'immediate') {
    throw new RangeError(`runBarrier: mode must be 'deferred' or 'immediate', got ${String(options.mode)}`);
  }
  if (options.journal !== 'delete' && options.journal !== 'wal') {
    throw new RangeError(`runBarrier: journal must be 'delete' or 'wal', got ${String(options.journal)}`);
  }
  const config: RunConfig = {
    workers: options.workers,
    mode: options.mode,
    journal: options.journal,
    busyTimeoutMs,
    holdAfterRead,
    holdMs,
    atOnceThresholdMs: busyTimeoutMs / 2,
    observe: options.observe,
  };
  const runs: BarrierRun[] = [];
  for (let run = 1; run <= options.runs; run++) runs.push(await runOnce(config, run));
  return {
    workers: config.workers,
    mode: config.mode,
    journal: config.journal,
    busyTimeoutMs,
    holdAfterRead,
    holdMs,
    atOnceThresholdMs: config.atOnceThresholdMs,
    runs,
    summary: summarise(runs, config.workers),
  };
}

interface RunConfig {
  readonly workers: number;
  readonly mode: BarrierMode;
  readonly journal: BarrierJournal;
  readonly busyTimeoutMs: number;
  readonly holdAfterRead: boolean;
  readonly holdMs: number;
  readonly atOnceThresholdMs: number;
  readonly observe: ((event: BarrierEvent) => void) | undefined;
}

function checkInteger(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`runBarrier: ${name} must be an integer >= ${min}, got ${String(value)}`);
  }
}

const WORKER_URL = new URL('./barrier-worker.js', import.meta.url);
/** Generous bounds for a run that has gone wrong (a worker that never arrives, never reports). */
const STARTUP_LIMIT_MS = 30_000;

function ticketOf(index: number): string {
  return `ticket-${index}`;
}

function createDatabase(file: string, journal: BarrierJournal, workers: number): void {
  const db = new Database(file);
  try {
    db.pragma(`journal_mode = ${journal === 'wal' ? 'WAL' : 'DELETE'}`);
    db.exec('CREATE TABLE tickets (id TEXT PRIMARY KEY, locked_by TEXT, lease_expires INTEGER)');
    const insert = db.prepare('INSERT INTO tickets (id, locked_by, lease_expires) VALUES (?, NULL, NULL)');
    db.transaction(() => {
      for (let i = 0; i < workers; i++) insert.run(ticketOf(i));
    })();
  } finally {
    db.close();
  }
}

async function runOnce(config: RunConfig, run: number): Promise<BarrierRun> {
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-'));
  const threads: Worker[] = [];
  let timer: NodeJS.Timeout | undefined;
  try {
    config.observe?.({ type: 'dir', run, dir });
    const file = join(dir, BARRIER_DATABASE_FILE);
    createDatabase(file, config.journal, config.workers);

    const shared = new SharedArrayBuffer(SHARED_BYTES);
    const i32 = new Int32Array(shared, 0, INT32_SLOTS);
    const releaseAt = new BigInt64Array(shared, RELEASE_AT_BYTE_OFFSET, 1);
    Atomics.store(i32, SLOT.readsBeforeFirstWrite, -1);

    // Anything that goes wrong with any worker (or the watchdog) rejects `failed`.
    let fail!: (error: Error) => void;
    const failed = new Promise<never>((_, reject) => {
      fail = reject;
    });
    failed.catch(() => undefined);
    const readyPromises: Promise<void>[] = [];
    const reportPromises: Promise<BarrierWorkerReport>[] = [];
    const exitPromises: Promise<void>[] = [];

    for (let index = 0; index < config.workers; index++) {
      const data: BarrierWorkerData = {
        shared,
        index,
        workers: config.workers,
        file,
        ticket: ticketOf(index),
        mode: config.mode,
        busyTimeoutMs: config.busyTimeoutMs,
        holdAfterRead: config.holdAfterRead,
        holdMs: config.holdMs,
      };
      const worker = new Worker(WORKER_URL, { workerData: data });
      threads.push(worker);
      let ready!: () => void;
      let report!: (report: BarrierWorkerReport) => void;
      let reported = false;
      readyPromises.push(new Promise<void>((resolve) => (ready = resolve)));
      reportPromises.push(new Promise<BarrierWorkerReport>((resolve) => (report = resolve)));
      exitPromises.push(new Promise<void>((resolve) => worker.once('exit', () => resolve())));
      worker.on('message', (message: BarrierWorkerMessage) => {
        if (message.type === 'ready') ready();
        else {
          reported = true;
          report(message.report);
        }
      });
      worker.on('error', (error) => fail(new Error(`barrier run ${run}: worker-${index} crashed: ${error.message}`)));
      worker.once('exit', (code) => {
        if (!reported) fail(new Error(`barrier run ${run}: worker-${index} exited (code ${code}) without a report`));
      });
    }

    timer = setTimeout(
      () => fail(new Error(`barrier run ${run}: workers did not get ready within ${STARTUP_LIMIT_MS} ms`)),
      STARTUP_LIMIT_MS,
    );
    await Promise.race([Promise.all(readyPromises), failed]);
    clearTimeout(timer);

    // Every worker has arrived and is parked (or about to park) on the gate: open it for all at once.
    Atomics.store(releaseAt, 0, process.hrtime.bigint());
    Atomics.store(i32, SLOT.gate, 1);
    Atomics.notify(i32, SLOT.gate);
    config.observe?.({ type: 'released', run });

    // A healthy run ends within (workers x (busy timeout + hold)); allow that twice over, plus slack.
    const limitMs = 2 * config.workers * (config.busyTimeoutMs + config.holdMs) + STARTUP_LIMIT_MS;
    timer = setTimeout(
      () => fail(new Error(`barrier run ${run}: workers did not report within ${limitMs} ms`)),
      limitMs,
    );
    const reports = await Promise.race([Promise.all(reportPromises), failed]);
    await Promise.race([Promise.all(exitPromises), failed]);
    clearTimeout(timer);

    const workers = reports.map((report, index) => toWorkerResult(report, index, config));
    const readsBeforeFirstWrite = Atomics.load(i32, SLOT.readsBeforeFirstWrite);
    return {
      run,
      acquired: workers.filter((w) => w.acquired).length,
      peakReaders: Atomics.load(i32, SLOT.peakReaders),
      readsBeforeFirstWrite: readsBeforeFirstWrite < 0 ? null : readsBeforeFirstWrite,
      workers,
    };
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    // terminate() on a thread that has already exited resolves at once; on a live one it stops it (a thread
    // inside a busy wait stops when SQLite returns) and better-sqlite3 closes its connections on thread exit.
    await Promise.all(threads.map((thread) => thread.terminate().catch(() => undefined)));
    rmSync(dir, { recursive: true, force: true });
  }
}

function toWorkerResult(report: BarrierWorkerReport, index: number, config: RunConfig): BarrierWorkerResult {
  const timing: BarrierTiming | null =
    report.statementMs === null
      ? null
      : config.busyTimeoutMs === 0 || report.statementMs < config.atOnceThresholdMs
        ? 'at once'
        : 'after waiting';
  return {
    worker: `worker-${index}`,
    ticket: ticketOf(index),
    acquired: report.acquired,
    code: report.code,
    message: report.message,
    failedAt: report.failedAt,
    heldBy: report.heldBy,
    elapsedMs: report.elapsedMs,
    statementMs: report.statementMs,
    timing,
    steps: report.steps,
  };
}

function median(sorted: readonly number[]): number {
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function range(values: readonly number[]): BarrierRange | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return { min: sorted[0]!, median: median(sorted), max: sorted[sorted.length - 1]! };
}

function summarise(runs: readonly BarrierRun[], workers: number): BarrierSummary {
  const acquired = runs.map((r) => r.acquired).sort((a, b) => a - b);
  const histogram: Record<string, number> = {};
  for (const count of acquired) histogram[String(count)] = (histogram[String(count)] ?? 0) + 1;
  const all = runs.flatMap((r) => r.workers);
  const failures = all.filter((w) => w.failedAt !== null);
  const failureKinds: Record<string, number> = {};
  for (const f of failures) {
    const kind = `${f.code ?? 'ERROR'} on ${f.failedAt ?? '?'}`;
    failureKinds[kind] = (failureKinds[kind] ?? 0) + 1;
  }
  return {
    runs: runs.length,
    workers,
    runsAllAcquired: runs.filter((r) => r.acquired === workers).length,
    medianAcquired: median(acquired),
    minAcquired: acquired[0] ?? 0,
    maxAcquired: acquired[acquired.length - 1] ?? 0,
    acquiredHistogram: histogram,
    runsAllReadBeforeWrite: runs.filter((r) => r.readsBeforeFirstWrite === workers).length,
    failures: failures.length,
    failuresAtOnce: failures.filter((f) => f.timing === 'at once').length,
    failuresAfterWaiting: failures.filter((f) => f.timing === 'after waiting').length,
    failureKinds,
    failureStatementMs: range(failures.map((f) => f.statementMs ?? f.elapsedMs)),
    failureElapsedMs: range(failures.map((f) => f.elapsedMs)),
    acquiredElapsedMs: range(all.filter((w) => w.acquired).map((w) => w.elapsedMs)),
  };
}
