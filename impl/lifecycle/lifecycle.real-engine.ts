/**
 * The lifecycle scenario (seed 000, VoxLogicA-2) on the real engine: the real storage backends and execution
 * sessions on one real SQLite file, one step at a time. One fresh temporary directory per run; every actor has
 * its own connection (busy timeout 0: steps never overlap, so nobody ever meets a lock) and its own
 * LockStepRunner on the run's VirtualClock, each gated by LockStepGates. Implements the RealRun seam
 * (engine-seam.ts); connections run with synchronous = OFF (no fsync: the run is about visibility between
 * connections, not durability, and an fsync per commit made a real run cost tens of milliseconds); the step records and the observation use the model's words and shape, re-declared here
 * (impl/ never imports spec/).
 *
 * The variant picks the code: `missing-complete` is StorageBackend + ExecutionSession (as shipped),
 * `fixed` is StorageBackend + FixedExecutionSession, `event-cleanup` is EventStorageBackend +
 * ExecutionSession. The workers, the late waiter and the notifier are threads of one process (they share one
 * ProcessMemory); the late worker of a fault is a second process (its own memory), started after the
 * stale-claim threshold. The faults strike the worker that wins the claim, through its session's fault hook:
 * crash-after-claim throws WorkerCrash at its next step, stall-after-claim sleeps `stallMs` on the virtual clock. The notifier thread runs until the run is closed; it counts as finished once every
 * other actor has finished.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RealRun, RealStepRecord } from '../engine-seam.js';
import { realActor, realActors, realConnection } from '../gate/real-exposed.js';
import { LockStepGates, stepOneRecord } from '../gate/step-gate.js';
import { ExecutionSession, FixedExecutionSession, WorkerCrash, type SessionFaults } from './execution-session.js';
import { LockStepRunner, timeText, VirtualClock } from './step-runner.js';
import {
  EventStorageBackend,
  LIFECYCLE_SCHEMA,
  OperationTimeoutError,
  ProcessMemory,
  ResultNotFoundError,
  StorageBackend,
  type OperationStore,
} from './storage-backend.js';

export type LifecycleVariant = 'missing-complete' | 'fixed' | 'event-cleanup';
export type LifecycleFault = 'none' | 'crash-after-claim' | 'stall-after-claim';

export interface LifecycleRunOptions {
  readonly variant: LifecycleVariant;
  readonly workers: number;
  /** Late waiters (without a fault; a fault brings the late worker instead). */
  readonly lateWaiters: number;
  readonly fault: LifecycleFault;
  readonly waitTimeoutMs: number;
  readonly pollMs: number;
  readonly staleMs: number;
  /** stall-after-claim: how long the claimant stops after its claim. */
  readonly stallMs: number;
  /** Where the run's `lockstep-*` directory is created; os.tmpdir() by default. */
  readonly parentDir?: string;
}

/** The model's LifecycleObservation, declared again (structurally the same). */
export type LifecycleRole = 'worker' | 'waiter' | 'late-worker';
export type LifecycleActorStatus = 'running' | 'done' | 'timed-out' | 'not-found' | 'crashed';

export interface LifecycleActorView {
  readonly name: string;
  readonly role: LifecycleRole;
  readonly status: LifecycleActorStatus;
}

export interface LifecycleObservation {
  readonly actors: readonly LifecycleActorView[];
  readonly executions: readonly string[];
  readonly status: 'none' | 'running' | 'completed';
  readonly resultStored: boolean;
}

export interface LifecycleRealRun extends RealRun {
  readonly dir: string;
  observe(): LifecycleObservation;
}

export const OPERATION_ID = 'op-51c0b8dd';
/** The late worker starts this long after the stale threshold (the model's LATE_WORKER_DELAY_MS). */
const LATE_WORKER_DELAY_MS = 1_000;

function validate(options: LifecycleRunOptions): void {
  const { variant, workers, fault } = options;
  if (!['missing-complete', 'fixed', 'event-cleanup'].includes(variant)) throw new RangeError(`variant must be missing-complete, fixed or event-cleanup, got ${String(variant)}`);
  if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`workers must be a positive integer, got ${String(workers)}`);
  if (!Number.isInteger(options.lateWaiters) || options.lateWaiters < 0) throw new RangeError(`lateWaiters must be an integer from 0, got ${String(options.lateWaiters)}`);
  if (!['none', 'crash-after-claim', 'stall-after-claim'].includes(fault)) throw new RangeError(`fault must be none, crash-after-claim or stall-after-claim, got ${String(fault)}`);
  for (const key of ['waitTimeoutMs', 'pollMs', 'staleMs', 'stallMs'] as const) {
    if (!(options[key] > 0)) throw new RangeError(`${key} must be positive, got ${String(options[key])}`);
  }
}

function statusOfError(error: unknown): LifecycleActorStatus {
  if (error instanceof OperationTimeoutError) return 'timed-out';
  if (error instanceof ResultNotFoundError) return 'not-found';
  if (error instanceof WorkerCrash) return 'crashed';
  throw new Error(`an actor failed unexpectedly: ${String(error)}`);
}

/** Opens a lock-step run of the lifecycle scenario, every actor parked before its first step. */
export async function openLifecycleRun(options: LifecycleRunOptions): Promise<LifecycleRealRun> {
  validate(options);
  const dir = mkdtempSync(join(options.parentDir ?? tmpdir(), 'lockstep-'));
  const handles: Database.Database[] = [];
  const notifiers: StorageBackend[] = [];
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    for (const notifier of notifiers) notifier.stopNotifier();
    for (const db of handles) if (db.open) db.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const file = join(dir, 'voxlogica.db');
    const setup = new Database(file, { timeout: 0 });
    handles.push(setup);
    setup.pragma('synchronous = OFF');
    setup.exec(LIFECYCLE_SCHEMA);
    setup.close();
    const observer = new Database(file, { timeout: 0, readonly: true });
    handles.push(observer);
    const readStatus = observer.prepare<[string], { status: 'running' | 'completed' }>('SELECT status FROM execution_state WHERE operation_id = ?');
    const readResult = observer.prepare<[string], { n: number }>('SELECT count(*) AS n FROM results WHERE operation_id = ?');

    const faulty = options.fault !== 'none';
    const lateRole: LifecycleRole = faulty ? 'late-worker' : 'waiter';
    const hasNotifier = options.variant !== 'event-cleanup';
    const { lateWaiters } = options;
    const lateNames = faulty ? ['late-worker'] : Array.from({ length: lateWaiters }, (_, i) => (lateWaiters === 1 ? 'late-waiter' : `late-waiter-${i}`));
    const workerNames = Array.from({ length: options.workers }, (_, i) => `worker-${i}`);
    const programNames = [...workerNames, ...lateNames];
    const roles: LifecycleRole[] = [...workerNames.map((): LifecycleRole => 'worker'), ...lateNames.map(() => lateRole)];
    const actors = hasNotifier ? [...programNames, 'notifier'] : programNames;

    const clock = new VirtualClock();
    const gates = new LockStepGates(actors);
    const runners = actors.map((_, i) => new LockStepRunner(gates.gate(i), clock));
    const storageOptions = { staleMs: options.staleMs, pollMs: options.pollMs };
    const connect = (): Database.Database => {
      const db = new Database(file, { timeout: 0, fileMustExist: true });
      handles.push(db);
      // No fsync per commit: durability across power loss is not what this scenario is about, and locking and
      // visibility between connections are the same at every synchronous level.
      db.pragma('synchronous = OFF');
      return db;
    };
    const backendFor = (i: number, memory: ProcessMemory): OperationStore =>
      options.variant === 'event-cleanup'
        ? new EventStorageBackend(connect(), runners[i]!, memory, storageOptions)
        : new StorageBackend(connect(), runners[i]!, memory, storageOptions);
    const Session = options.variant === 'fixed' ? FixedExecutionSession : ExecutionSession;
    const executions: string[] = [];
    const computeBy = (name: string) => (operationId: string): string => {
      executions.push(name);
      return `result of ${operationId}`;
    };

    const processA = new ProcessMemory();
    const programs: (() => Promise<unknown>)[] = programNames.map((name, i) => {
      const runner = runners[i]!;
      switch (roles[i]!) {
        case 'worker': {
          // The fault strikes the worker that wins the claim, as a step of its own.
          const faults: SessionFaults = {
            afterClaim: async () => {
              switch (options.fault) {
                case 'none':
                  return;
                case 'crash-after-claim':
                  await runner.run('execute', () => {
                    throw new WorkerCrash();
                  });
                  return;
                case 'stall-after-claim':
                  await runner.sleepThen(options.stallMs, 'stall', () => runner.now(), (now) => `resumed at ${timeText(now)}`);
                  return;
              }
            },
          };
          const session = new Session(backendFor(i, processA), runner, computeBy(name), name, faults, options.waitTimeoutMs);
          return () => session.executeOperation(OPERATION_ID);
        }
        case 'waiter': {
          const storage = backendFor(i, processA);
          return () => storage.waitForCompletion(OPERATION_ID, options.waitTimeoutMs);
        }
        case 'late-worker': {
          // A second process, started one second after the stale threshold.
          runner.notBefore = options.staleMs + LATE_WORKER_DELAY_MS;
          const storage = backendFor(i, new ProcessMemory());
          const session = new Session(storage, runner, computeBy(name), name, undefined, options.waitTimeoutMs);
          return async () => {
            await storage.cleanupStaleClaims();
            return session.executeOperation(OPERATION_ID);
          };
        }
        default:
          throw new Error(`no program for role ${String(roles[i])}`);
      }
    });
    if (hasNotifier) {
      const notifier = new StorageBackend(connect(), runners[programNames.length]!, processA, storageOptions);
      notifiers.push(notifier);
      programs.push(() => notifier.runNotifier());
    }
    for (const [i, program] of programs.entries()) await gates.start(i, program);

    let row: Pick<LifecycleObservation, 'status' | 'resultStored'> = { status: 'none', resultStored: false };
    const programsSettled = (): boolean => programNames.every((_, i) => gates.settled(i));
    const finished = (actor: number): boolean => (actor >= programNames.length ? programsSettled() : gates.settled(actor));
    const viewOf = (i: number): LifecycleActorView => {
      const name = programNames[i]!;
      const role = roles[i]!;
      switch (gates.status(i)) {
        case 'done':
          return { name, role, status: 'done' };
        case 'failed':
          return { name, role, status: statusOfError(gates.error(i)) };
        default:
          return { name, role, status: 'running' };
      }
    };

    return {
      actors,
      dir,
      finished,
      async step(actor): Promise<RealStepRecord> {
        if (closed) throw new Error('the run is closed');
        const runner = runners[actor];
        if (runner === undefined) throw new RangeError(`no actor ${actor}`);
        if (finished(actor)) throw new Error(`${actors[actor]} cannot step: it has finished`);
        const record = await stepOneRecord(gates, actor, [runner.records]);
        return { actor: actors[actor]!, action: record.action, outcome: record.outcome };
      },
      observe: (): LifecycleObservation => {
        // After close() the row last read stands (nothing can change it any more).
        if (!closed) {
          row = { status: readStatus.get(OPERATION_ID)?.status ?? 'none', resultStored: (readResult.get(OPERATION_ID)?.n ?? 0) > 0 };
        }
        return { actors: programNames.map((_, i) => viewOf(i)), executions: [...executions], ...row };
      },
      expose() {
        if (!closed) row = { status: readStatus.get(OPERATION_ID)?.status ?? 'none', resultStored: (readResult.get(OPERATION_ID)?.n ?? 0) > 0 };
        const views = programNames.map((_, i) => viewOf(i));
        const exposed = realActors(views, (i) => realActor(gates.status(i), views[i]!.status));
        const notifier = actors.slice(programNames.length).map((name, k) => [name, realActor(finished(programNames.length + k) ? 'done' : gates.status(programNames.length + k), finished(programNames.length + k) ? 'done' : 'running')]);
        return {
          actors: { ...exposed, ...Object.fromEntries(notifier) },
          shared: { execution_state: row.status === 'none' ? null : { status: row.status }, result: row.resultStored, executions: [...executions] },
        };
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
