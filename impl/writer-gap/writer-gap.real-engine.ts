/**
 * The writer-gap scenario (seed 001, VoxLogicA-2) on the real engine: the real StorageBackend (the variant's
 * class) on one shared better-sqlite3 connection to a fresh database file, N workers running
 * ExecutionSession.executeOperation on the same operation, the backend's own background writer loop, a late
 * reader, a restart and (with `wake: 'notifier'`, the default) the backend's own notification thread, whose
 * callbacks are real functions in the backend's real Map. Time is a VirtualClock per run: the notifier's sleep
 * moves it by 100 ms at each of its steps. Every actor is an async program whose steps each first await its gate
 * (LockStepActors); implements the RealRun seam (engine-seam.ts). The step words and the observation are the
 * model's, re-declared here (impl/ never imports spec/).
 *
 * The fault `write-fails` is a full disk: before anyone steps, the shared connection's max_page_count is set to
 * the file's current page count, so the writer's INSERT of a result (larger than a page) fails with SQLITE_FULL
 * while the small execution_state rows still fit.
 *
 * The fault `persist-busy` (the variant persisted) is another process's write lock: a second connection runs
 * BEGIN IMMEDIATE around the synchronous persist, so real SQLite refuses that INSERT with SQLITE_BUSY.
 *
 * The restart stands for the next start of the process (after everybody finished, or a crash at any step, as
 * the schedule has it; with `restart: 'after-threshold'` an hour later, after the engine start's cleanup of
 * stale running rows): the shared connection is closed, the memory cache and the queue are gone with the old
 * backend, whose actors never step again, and a new backend on a new connection retrieves the result (one
 * step; the new backend takes no gated steps of its own).
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RealRun, RealStepRecord } from '../engine-seam.js';
import { realActor, realActors, realConnection } from '../gate/real-exposed.js';
import { VirtualClock } from './clock.js';
import { ExecutionSession, PersistedExecutionSession } from './execution-session.js';
import {
  DbFirstStorageBackend,
  MemoryCacheStorageBackend,
  MissingResultError,
  OperationFailedError,
  OperationFutures,
  PersistedStorageBackend,
  ResultNotFoundError,
  RunningElsewhereError,
  StaleCompletionError,
  STEP_WORDS,
  StorageBackend,
  type OperationStatus,
  type PersistFaults,
  type WakeMode,
} from './storage-backend.js';
import { directSteps, LockStepActors } from './step-runner.js';

export type WriterGapVariant = 'queued' | 'memory-cache' | 'db-first' | 'persisted';
export type WriterGapFault = 'none' | 'write-fails' | 'persist-busy';
/** How the restart comes (the model's WriterGapRestart); only after-threshold changes what the restart step does. */
export type WriterGapRestart = 'at-end' | 'any-time' | 'after-threshold';

export interface WriterGapRunOptions {
  readonly variant: WriterGapVariant;
  readonly workers: number;
  readonly fault: WriterGapFault;
  /** 'at-end' when absent. */
  readonly restart?: WriterGapRestart;
  /** How waiters learn of completion; 'notifier' when absent. */
  readonly wake?: WakeMode;
  /** Where the run's `lockstep-*` directory is created; scratchParent() by default. */
  readonly parentDir?: string;
}

/**
 * Where scratch databases go by default: os.tmpdir(), like every other real engine (the command line points it
 * at a folder of its own and removes that folder on exit and on Ctrl-C). Every step that writes commits in
 * autocommit, and on a disk each commit would wait for fsync (about 30 ms a run here): the run's connections
 * use synchronous = OFF, which changes no lock and nothing another connection sees; durability across an OS
 * crash is not what this scenario is about (its restart is a process restart: connections closed and reopened).
 */
export function scratchParent(): string {
  return tmpdir();
}

/** The model's WriterGapObservation, declared again (structurally the same). */
export type CallerStatus = 'running' | 'waiting' | 'done' | 'failed';

export type CallerError = 'result-not-found' | 'refused' | 'failed' | 'stale-cleaned' | 'missing';

export interface CallerView {
  readonly name: string;
  readonly status: CallerStatus;
  readonly executed: boolean;
  readonly error: CallerError | null;
}

export interface RestartView {
  readonly status: OperationStatus;
  readonly resultRow: boolean;
  readonly afterRun: boolean;
}

export interface WriterGapObservation {
  readonly callers: readonly CallerView[];
  readonly status: OperationStatus;
  readonly resultRow: boolean;
  readonly inMemory: boolean;
  readonly queued: number;
  readonly restart: RestartView | null;
}

export interface WriterGapRealRun extends RealRun {
  readonly dir: string;
  observe(): WriterGapObservation;
}

/** The operation every worker executes (a content hash, as VoxLogicA names operations). */
export const OPERATION_ID = '51c0b8dd0f3c4e7a9b1d2c3e4f5a6b7c';
/** The computed result: a serialized image, larger than a database page. */
const resultBytes = (): Buffer => Buffer.alloc(16_384, 0x5a);

const BACKENDS: Readonly<Record<WriterGapVariant, typeof StorageBackend>> = {
  queued: StorageBackend,
  'memory-cache': MemoryCacheStorageBackend,
  'db-first': DbFirstStorageBackend,
  persisted: PersistedStorageBackend,
};

/** The engine start's stale-claim threshold, and how much later a restart after it comes (the model's STALE_MS and RESTART_AFTER_MS). */
const STALE_MS = 3_600_000;
const RESTART_AFTER_MS = STALE_MS + 1_000;

/** The errors a caller's program may end with, as the observation names them. */
function errorCodeOf(error: unknown): CallerError {
  for (const kind of [ResultNotFoundError, RunningElsewhereError, OperationFailedError, StaleCompletionError, MissingResultError]) {
    if (error instanceof kind) return error.code as CallerError;
  }
  throw new Error(`a caller failed unexpectedly: ${String(error)}`);
}

const RESTART_WORDS = 'restart, reopen, retrieve';

function validate(options: WriterGapRunOptions): void {
  const { variant, workers, fault } = options;
  if (!(variant in BACKENDS)) throw new RangeError(`variant must be queued, memory-cache, db-first or persisted, got ${String(variant)}`);
  if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`workers must be a positive integer, got ${String(workers)}`);
  if (!['none', 'write-fails', 'persist-busy'].includes(fault)) throw new RangeError(`fault must be none, write-fails or persist-busy, got ${String(fault)}`);
  const wake = options.wake ?? 'notifier';
  if (wake !== 'notifier' && wake !== 'poll') throw new RangeError(`wake must be notifier or poll, got ${String(wake)}`);
  if (!['at-end', 'any-time', 'after-threshold'].includes(options.restart ?? 'at-end')) throw new RangeError(`restart must be at-end, any-time or after-threshold, got ${String(options.restart)}`);
  if ((fault === 'persist-busy') !== (variant === 'persisted') && fault !== 'none') {
    throw new RangeError(`fault ${fault} does not apply to ${variant}: persist-busy strikes the synchronous persist (persisted), write-fails the background writer (the others)`);
  }
  if (variant === 'persisted' && wake !== 'notifier') throw new RangeError('persisted waits on the notifier: wake poll does not apply');
}

/** Opens a lock-step run, every actor parked before its first step. */
export async function openWriterGapRun(options: WriterGapRunOptions): Promise<WriterGapRealRun> {
  validate(options);
  const dir = mkdtempSync(join(options.parentDir ?? scratchParent(), 'lockstep-'));
  const handles: Database.Database[] = [];
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    for (const db of handles) if (db.open) db.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const file = join(dir, 'voxlogica.db');
    const workerNames = Array.from({ length: options.workers }, (_, i) => `worker-${i}`);
    const wake = options.wake ?? 'notifier';
    const hasNotifier = wake === 'notifier';
    const actorNames = hasNotifier ? [...workerNames, 'writer', 'reader', 'restart', 'notifier'] : [...workerNames, 'writer', 'reader', 'restart'];
    const writerIndex = options.workers;
    const readerIndex = options.workers + 1;
    const restartIndex = options.workers + 2;
    const notifierIndex = hasNotifier ? options.workers + 3 : -1;
    const callerIndices = [...workerNames.map((_, i) => i), readerIndex];
    const Backend = BACKENDS[options.variant];
    const evicts = options.variant !== 'queued';

    const actors = new LockStepActors(actorNames);
    const shared = new Database(file, { timeout: 0 });
    handles.push(shared);
    shared.pragma('synchronous = OFF');
    const clock = new VirtualClock();
    const persisted = options.variant === 'persisted';
    let backend: StorageBackend;
    let persistedBackend: PersistedStorageBackend | null = null;
    if (persisted) {
      // persist-busy: another process (a connection of its own) holds the write lock while the persist runs, so
      // real SQLite refuses the INSERT (busy timeout 0 here; with upstream's 5 s the busy handler would wait, and
      // the fault is that the other process keeps the lock longer).
      let faults: PersistFaults | undefined;
      if (options.fault === 'persist-busy') {
        const other = new Database(file, { timeout: 0 });
        handles.push(other);
        faults = {
          aroundPersist: (insert) => {
            other.exec('BEGIN IMMEDIATE');
            try {
              return insert();
            } finally {
              other.exec('ROLLBACK');
            }
          },
        };
      }
      backend = persistedBackend = new PersistedStorageBackend(shared, { steps: actors, clock, wake }, faults);
    } else backend = new Backend(shared, { steps: actors, clock, wake });
    if (options.fault === 'write-fails') {
      const pages = shared.pragma('page_count', { simple: true }) as number;
      shared.pragma(`max_page_count = ${pages}`);
    }

    // The observer reads committed rows between steps, in autocommit; nobody ever holds a transaction open here.
    const observer = new Database(file, { timeout: 0, readonly: true });
    handles.push(observer);
    const readStatus = observer.prepare<[string], { status: OperationStatus }>('SELECT status FROM execution_state WHERE operation_id = ?');
    const readRow = observer.prepare<[string], { n: number }>('SELECT count(*) AS n FROM results WHERE operation_id = ?');

    const executions = callerIndices.map(() => 0);
    // The threads of the process share one table of futures (2451df0; the other variants never touch it).
    const futures = new OperationFutures(actors);
    const sessionOf = (name: string): ExecutionSession | PersistedExecutionSession =>
      persistedBackend === null ? new ExecutionSession(backend, name) : new PersistedExecutionSession(persistedBackend, futures, actors, name);
    for (const [i, name] of workerNames.entries()) {
      const session = sessionOf(name);
      const compute = (): Buffer => {
        executions[i]!++;
        return resultBytes();
      };
      await actors.start(i, () => session.executeOperation(OPERATION_ID, compute));
    }
    await actors.start(writerIndex, () => backend.startBackgroundWriter());
    const readerSession = sessionOf('reader');
    await actors.start(readerIndex, () => readerSession.awaitResult(OPERATION_ID));

    const everyCallerSettled = (): boolean => callerIndices.every((a) => actors.settled(a));
    /** The writer is between requests (not about to evict) with nothing queued, and nobody can queue any more. */
    const writerFinished = (): boolean => {
      const last = actors.records(writerIndex).at(-1);
      const aboutToEvict = evicts && last?.action === STEP_WORDS.write && last.outcome === '1 row';
      return !aboutToEvict && backend.pendingWrites === 0 && everyCallerSettled();
    };
    const late = (options.restart ?? 'at-end') === 'after-threshold';
    await actors.start(restartIndex, () =>
      actors.step(
        RESTART_WORDS,
        async (): Promise<RestartView & { cleaned: number }> => {
          const afterRun = writerFinished();
          shared.close();
          const reopened = new Database(file, { timeout: 0 });
          handles.push(reopened);
          reopened.pragma('synchronous = OFF');
          let cleaned = 0;
          if (late) {
            // The next engine start comes after the stale-claim threshold, and cleans stale claims up first
            // (02986bf, 2451df0: running rows older than the threshold become failed).
            await clock.sleep(RESTART_AFTER_MS);
            cleaned = reopened
              .prepare("UPDATE execution_state SET status = 'failed' WHERE status = 'running' AND updated_at < ?")
              .run(clock.now() - STALE_MS).changes;
          }
          const fresh = new Backend(reopened, { steps: directSteps, clock, wake });
          const status = await fresh.getStatus(OPERATION_ID);
          const data = await fresh.retrieve(OPERATION_ID);
          reopened.close();
          return { status, resultRow: data !== undefined, afterRun, cleaned };
        },
        (r) => {
          const found = `${r.status}, ${r.resultRow ? 'row' : 'no row'}`;
          return late ? `at t=${clock.now() / 1000}s: ${r.cleaned} stale claim failed; ${found}` : found;
        },
      ),
    );
    if (hasNotifier) await actors.start(notifierIndex, () => backend.startNotifier());

    const viewOf = (actor: number, index: number): CallerView => {
      const name = actorNames[actor]!;
      const executed = executions[index]! > 0;
      switch (actors.status(actor)) {
        case 'done':
          return { name, status: 'done', executed, error: null };
        case 'failed': {
          const error = actors.error(actor);
          return { name, status: 'failed', executed, error: errorCodeOf(error) };
        }
        default: {
          // Waiting: back from neither its callback registration (its wait is the next step), nor a poll that saw
          // the operation not completed, nor the lookup that found the claimant's future (its await is next).
          const last = actors.records(actor).at(-1);
          const waiting =
            last !== undefined &&
            (last.action === STEP_WORDS.register || last.outcome.endsWith(', waits') || (last.action === STEP_WORDS.getFuture && last.outcome === 'found'));
          return { name, status: waiting ? 'waiting' : 'running', executed, error: null };
        }
      }
    };

    const run: WriterGapRealRun = {
      actors: actorNames,
      dir,
      finished: (actor) => {
        if (actor !== restartIndex && actors.settled(restartIndex)) return true; // the old process is gone
        // The notifier loops for good; it has finished once nobody is left to wake and the writer is done.
        if (actor === notifierIndex) return writerFinished();
        return actor === writerIndex ? writerFinished() : actors.settled(actor);
      },
      async step(actor): Promise<RealStepRecord> {
        if (closed) throw new Error('the run is closed');
        if (actor < 0 || actor >= actorNames.length) throw new RangeError(`no actor ${actor}`);
        if (actors.settled(actor)) throw new Error(`${actorNames[actor]} cannot step: it has finished`);
        if (actors.settled(restartIndex)) throw new Error(`${actorNames[actor]} cannot step: the process has restarted`);
        const record = await actors.release(actor);
        return { actor: actorNames[actor]!, ...record };
      },
      observe(): WriterGapObservation {
        if (closed) throw new Error('the run is closed');
        const restarted = actors.status(restartIndex) === 'done' ? (actors.value(restartIndex) as RestartView) : null;
        const restart = restarted === null ? null : { status: restarted.status, resultRow: restarted.resultRow, afterRun: restarted.afterRun };
        return {
          callers: callerIndices.map((actor, index) => viewOf(actor, index)),
          status: (readStatus.get(OPERATION_ID)?.status ?? 'none') as OperationStatus,
          resultRow: readRow.get(OPERATION_ID)!.n > 0,
          inMemory: backend.hasInMemory(OPERATION_ID),
          queued: backend.pendingWrites,
          restart,
        };
      },
      expose() {
        const observed = run.observe();
        const views = callerIndices.map((actor, index) => viewOf(actor, index));
        const byName = new Map(views.map((v) => [v.name, v]));
        return {
          actors: Object.fromEntries(
            actorNames.map((name, actor) => {
              const view = byName.get(name);
              const done = run.finished(actor);
              const gate = actors.status(actor);
              return [name, view === undefined ? realActor(done ? 'done' : gate, done ? 'done' : 'running') : realActor(gate, view.status, view.error ?? (view.executed ? 'executed the operation' : null))];
            }),
          ),
          shared: {
            status: observed.status,
            resultRow: observed.resultRow,
            inMemory: observed.inMemory,
            queued: observed.queued,
            restart: observed.restart === null ? null : { status: observed.restart.status, resultRow: observed.restart.resultRow, afterRun: observed.restart.afterRun },
          },
        };
      },
      close,
    };
    return run;
  } catch (error) {
    await close();
    throw error;
  }
}
