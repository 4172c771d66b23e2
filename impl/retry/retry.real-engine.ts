/**
 * The retry scenario (seeds 003 and 004) on the real engine: the real CounterRepository and retry decorator on
 * real SQLite, one step at a time. One fresh temporary directory and database per run, one connection per
 * worker (busy timeout 0, the busy handler emulated by the documented rule through the tickets
 * LockStepStatementRunner), every worker an async program that awaits its gate from LockStepGates before each
 * statement and before each backoff sleep. Implements the RealRun seam; the step records and the observation
 * use the model's words and shape, re-declared here (impl/ never imports spec/).
 *
 * Time. The decorator's clock is virtual: `sleep(ms)` parks the worker at its gate and is one step
 * (`sleep <ms> ms`, `ok`) when the schedule picks it. The schedule contract (the model's) is that a sleeping
 * worker is picked only when nobody else can move; the jitter comes from the seeded stream of
 * seeded-random.ts, so the real decorator computes the delays the model predicts.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RealRun, RealStepRecord } from '../engine-seam.js';
import { realActor, realActors, realConnection } from '../gate/real-exposed.js';
import { LockStepGates, type Gate, stepOneRecord } from '../gate/step-gate.js';
import { LockStepStatementRunner, sqliteCodeOf } from '../tickets/tickets.real-engine.js';
import { CounterObserver, createCounterDatabase, openCounterConnection } from './counter-database.js';
import { CounterRepository, type CounterBeginMode, type RetryPolicy } from './counter-repository.js';
import type { Clock } from './retry-decorator.js';
import { jitterStreamSeed, seededRandom } from './seeded-random.js';

export interface RetryRunOptions {
  readonly workers: number;
  readonly journal: 'delete' | 'wal';
  readonly mode: CounterBeginMode;
  readonly policy: RetryPolicy;
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly jitterSeed: number;
  /** 0: SQLite would not wait at all. Otherwise its size does not matter here (the schedule says when it ends). */
  readonly busyTimeoutMs: number;
  readonly parentDir?: string;
}

/** The model's RetryObservation, declared again (structurally the same). */
export type RetryWorkerStatus = 'running' | 'waiting' | 'sleeping' | 'done' | 'failed';

export interface RetryWorkerView {
  readonly name: string;
  readonly status: RetryWorkerStatus;
  readonly committed: boolean;
  readonly attempts: number;
  readonly error: string | null;
}

export interface RetryObservation {
  readonly workers: readonly RetryWorkerView[];
  readonly counter: number;
  readonly maxAttempts: number;
}

export interface RetryRealRun extends RealRun {
  readonly dir: string;
  observe(): RetryObservation;
}

/** The virtual clock of one worker: each sleep is one step at the worker's gate, recorded with its statements. */
export class LockStepClock implements Clock {
  private sleepingNow = false;

  constructor(
    private readonly gate: Gate,
    private readonly records: { action: string; outcome: string }[],
  ) {}

  get sleeping(): boolean {
    return this.sleepingNow;
  }

  async sleep(ms: number): Promise<void> {
    this.sleepingNow = true;
    await this.gate();
    this.sleepingNow = false;
    this.records.push({ action: `sleep ${ms} ms`, outcome: 'ok' });
  }
}

const workerName = (i: number): string => `worker-${i}`;
function validate(options: RetryRunOptions): void {
  const { workers, journal, mode, policy, maxAttempts, baseDelayMs, busyTimeoutMs } = options;
  if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`workers must be a positive integer, got ${String(workers)}`);
  if (journal !== 'delete' && journal !== 'wal') throw new RangeError(`journal must be delete or wal, got ${String(journal)}`);
  if (mode !== 'deferred' && mode !== 'immediate') throw new RangeError(`mode must be deferred or immediate, got ${String(mode)}`);
  if (policy !== 'statement' && policy !== 'transaction' && policy !== 'none') throw new RangeError(`policy must be statement, transaction or none, got ${String(policy)}`);
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new RangeError(`maxAttempts must be a positive integer, got ${String(maxAttempts)}`);
  if (!(baseDelayMs >= 0)) throw new RangeError(`baseDelayMs must be >= 0, got ${String(baseDelayMs)}`);
  if (!(busyTimeoutMs >= 0)) throw new RangeError(`busyTimeoutMs must be >= 0, got ${String(busyTimeoutMs)}`);
}

/** Opens a lock-step run of the retry scenario, every worker parked before its first statement. */
export async function openRetryRun(options: RetryRunOptions): Promise<RetryRealRun> {
  validate(options);
  const dir = mkdtempSync(join(options.parentDir ?? tmpdir(), 'lockstep-'));
  const handles: Database.Database[] = [];
  let observer: CounterObserver | null = null;
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    observer?.close();
    for (const db of handles) if (db.open) db.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const file = join(dir, 'counter.db');
    const actors = Array.from({ length: options.workers }, (_, i) => workerName(i));
    createCounterDatabase(file, options.journal);
    observer = new CounterObserver(file);

    const gates = new LockStepGates(actors);
    const runners = actors.map((_, i) => {
      const db = openCounterConnection(file);
      handles.push(db);
      return new LockStepStatementRunner(db, gates.gate(i), options.journal, options.busyTimeoutMs);
    });
    const clocks = runners.map((runner, i) => new LockStepClock(gates.gate(i), runner.records));
    const attempts = actors.map(() => 1);
    const repositories = runners.map(
      (runner, i) =>
        new CounterRepository(runner, options.mode, options.policy, {
          maxAttempts: options.maxAttempts,
          baseDelayMs: options.baseDelayMs,
          clock: clocks[i]!,
          random: seededRandom(jitterStreamSeed(options.jitterSeed, i)),
          onAttempt: (n) => (attempts[i] = Math.max(attempts[i]!, n)),
        }),
    );
    for (const [i, repository] of repositories.entries()) await gates.start(i, () => repository.increment());

    let counter = 0;
    const refreshCounter = (): void => {
      counter = observer!.read();
    };
    refreshCounter();

    const viewOf = (i: number): RetryWorkerView => {
      const name = actors[i]!;
      switch (gates.status(i)) {
        case 'done':
          return { name, status: 'done', committed: true, attempts: attempts[i]!, error: null };
        case 'failed': {
          const error = gates.error(i);
          return { name, status: 'failed', committed: false, attempts: attempts[i]!, error: sqliteCodeOf(error) ?? String(error) };
        }
        default: {
          const status: RetryWorkerStatus = clocks[i]!.sleeping ? 'sleeping' : runners[i]!.waiting ? 'waiting' : 'running';
          return { name, status, committed: false, attempts: attempts[i]!, error: null };
        }
      }
    };

    return {
      actors,
      dir,
      finished: (actor) => gates.settled(actor),
      async step(actor): Promise<RealStepRecord> {
        if (closed) throw new Error('the run is closed');
        const runner = runners[actor];
        if (runner === undefined) throw new RangeError(`no actor ${actor}`);
        if (gates.settled(actor)) throw new Error(`${actors[actor]} cannot step: it has finished`);
        const record = await stepOneRecord(gates, actor, [runner.records]);
        refreshCounter();
        return { actor: actors[actor]!, ...record };
      },
      observe: (): RetryObservation => {
        if (!closed) refreshCounter();
        return { workers: actors.map((_, i) => viewOf(i)), counter, maxAttempts: options.maxAttempts };
      },
      expose() {
        if (!closed) refreshCounter();
        const views = actors.map((_, i) => viewOf(i));
        return {
          actors: realActors(views, (i) => realActor(gates.status(i), views[i]!.status, views[i]!.error)),
          connections: Object.fromEntries(actors.map((name, i) => [name, realConnection(runners[i]!.db.inTransaction)])),
          shared: { counter },
        };
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
