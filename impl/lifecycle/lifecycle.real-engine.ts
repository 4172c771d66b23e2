/**
 * The lifecycle scenario (seed 000, VoxLogicA-2) on the real engine: the real storage backends and execution
 * sessions on one real SQLite file, one step at a time. One fresh temporary directory per run; every process has
 * its own connection (busy timeout 0: steps never overlap, so nobody ever meets a lock), every actor its own
 * LockStepRunner on the run's VirtualClock, each gated by LockStepGates. Implements the RealRun seam
 * (engine-seam.ts); connections run with synchronous = OFF (no fsync: the run is about visibility between
 * connections, not durability, and an fsync per commit made a real run cost tens of milliseconds); the step records and the observation use the model's words and shape, re-declared here
 * (impl/ never imports spec/).
 *
 * The variant picks the code: `missing-complete` is StorageBackend + ExecutionSession (the write-up's path),
 * `fixed` is StorageBackend + FixedExecutionSession, `event-cleanup` is EventStorageBackend + ExecutionSession,
 * `exists-first` and `exists-first-fixed` are ExistsFirstStorageBackend + ExistsFirstExecutionSession
 * (02986bf, without and with mark_completed), `fail-fast` is FailFastStorageBackend + FailFastExecutionSession
 * (2451df0). Processes: the workers and the late waiters are threads of one process (they share one
 * ProcessMemory), each late worker of a fault is a process of its own (its own memory and notifier), started
 * after the stale-claim threshold, whose engine start first cleans up stale claims (`cleanup`); in
 * `fail-fast` every actor is a process of its own. The faults strike the worker that wins the claim, through
 * its session's fault hook: crash-after-claim throws WorkerCrash at its next step, stall-after-claim sleeps
 * `stallMs` on the virtual clock. The notifier threads run until the run is closed; they count as finished
 * once every other actor has finished.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RealRun, RealStepRecord } from '../engine-seam.js';
import { realActor, realActors, realConnection } from '../gate/real-exposed.js';
import { LockStepGates, stepOneRecord } from '../gate/step-gate.js';
import {
  ExecutionSession,
  ExistsFirstExecutionSession,
  FailFastExecutionSession,
  FixedExecutionSession,
  WorkerCrash,
  type SessionFaults,
  type SessionParts,
} from './execution-session.js';
import { LockStepRunner, timeText, VirtualClock, type StepRunner } from './step-runner.js';
import {
  EventStorageBackend,
  ExistsFirstStorageBackend,
  FailFastStorageBackend,
  LIFECYCLE_SCHEMA,
  OperationFailedError,
  OperationTimeoutError,
  ProcessMemory,
  ResultNotFoundError,
  RunningElsewhereError,
  StaleCompletionError,
  StorageBackend,
  type OperationStore,
  type StorageOptions,
} from './storage-backend.js';

export type LifecycleVariant = 'missing-complete' | 'fixed' | 'event-cleanup' | 'exists-first' | 'exists-first-fixed' | 'fail-fast';
export type LifecycleFault = 'none' | 'crash-after-claim' | 'stall-after-claim';
export type LifecycleCleanup = 'fail' | 'delete';
export type LifecycleStart = 'empty' | 'stale-completion';

const VARIANTS: readonly LifecycleVariant[] = ['missing-complete', 'fixed', 'event-cleanup', 'exists-first', 'exists-first-fixed', 'fail-fast'];

export interface LifecycleRunOptions {
  readonly variant: LifecycleVariant;
  readonly workers: number;
  /** Late waiters (without a fault; a fault brings the late workers instead). */
  readonly lateWaiters: number;
  /** Late workers under a fault (1 when absent): processes started after the stale threshold, one second apart. */
  readonly lateWorkers?: number;
  readonly fault: LifecycleFault;
  /** What a late worker's engine start does to stale running claims ('fail', upstream's, when absent). */
  readonly cleanup?: LifecycleCleanup;
  /** The database at t=0 ('empty' when absent). */
  readonly start?: LifecycleStart;
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
export type LifecycleActorStatus = 'running' | 'done' | 'timed-out' | 'not-found' | 'crashed' | 'failed' | 'refused' | 'stale-cleaned';

export interface LifecycleActorView {
  readonly name: string;
  readonly role: LifecycleRole;
  readonly status: LifecycleActorStatus;
}

export interface LifecycleObservation {
  readonly actors: readonly LifecycleActorView[];
  readonly executions: readonly string[];
  readonly status: 'none' | 'running' | 'completed' | 'failed';
  readonly resultStored: boolean;
}

export interface LifecycleRealRun extends RealRun {
  readonly dir: string;
  observe(): LifecycleObservation;
}

export const OPERATION_ID = 'op-51c0b8dd';
/** Late worker K starts (K + 1) seconds after the stale threshold (the model's LATE_WORKER_DELAY_MS). */
const LATE_WORKER_DELAY_MS = 1_000;
/** Who holds the row of the start `stale-completion` (the model's EARLIER_RUN). */
const EARLIER_RUN = 'an earlier run';

function validate(options: LifecycleRunOptions): void {
  const { variant, workers, fault } = options;
  if (!VARIANTS.includes(variant)) throw new RangeError(`variant must be one of ${VARIANTS.join(', ')}, got ${String(variant)}`);
  if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`workers must be a positive integer, got ${String(workers)}`);
  if (!Number.isInteger(options.lateWaiters) || options.lateWaiters < 0) throw new RangeError(`lateWaiters must be an integer from 0, got ${String(options.lateWaiters)}`);
  const lateWorkers = options.lateWorkers ?? 1;
  if (!Number.isInteger(lateWorkers) || lateWorkers < 1) throw new RangeError(`lateWorkers must be a positive integer, got ${String(lateWorkers)}`);
  if (!['none', 'crash-after-claim', 'stall-after-claim'].includes(fault)) throw new RangeError(`fault must be none, crash-after-claim or stall-after-claim, got ${String(fault)}`);
  if (!['fail', 'delete'].includes(options.cleanup ?? 'fail')) throw new RangeError(`cleanup must be fail or delete, got ${String(options.cleanup)}`);
  if (!['empty', 'stale-completion'].includes(options.start ?? 'empty')) throw new RangeError(`start must be empty or stale-completion, got ${String(options.start)}`);
  for (const key of ['waitTimeoutMs', 'pollMs', 'staleMs', 'stallMs'] as const) {
    if (!(options[key] > 0)) throw new RangeError(`${key} must be positive, got ${String(options[key])}`);
  }
}

function statusOfError(error: unknown): LifecycleActorStatus {
  if (error instanceof OperationTimeoutError) return 'timed-out';
  if (error instanceof ResultNotFoundError) return 'not-found';
  if (error instanceof WorkerCrash) return 'crashed';
  if (error instanceof OperationFailedError) return 'failed';
  if (error instanceof RunningElsewhereError) return 'refused';
  if (error instanceof StaleCompletionError) return 'stale-cleaned';
  throw new Error(`an actor failed unexpectedly: ${String(error)}`);
}

/** The variant's code: which backend, which session, which wait design. */
interface VariantCode {
  readonly backend: new (db: Database.Database, steps: StepRunner, memory: ProcessMemory, options: StorageOptions) => OperationStore;
  readonly notifier: new (db: Database.Database, steps: StepRunner, memory: ProcessMemory, options: StorageOptions) => StorageBackend;
  session(storage: OperationStore, parts: SessionParts): { executeOperation(operationId: string): Promise<string> };
  /** 2451df0: every actor a process of its own (its futures and memory cache private to its one thread). */
  readonly processPerActor: boolean;
}

const writeUpSession =
  (Session: typeof ExecutionSession) =>
  (storage: OperationStore, parts: SessionParts): ExecutionSession =>
    new Session(storage, parts.steps, parts.compute, parts.workerId, parts.faults, parts.waitTimeoutMs);

const CODE: Readonly<Record<LifecycleVariant, VariantCode>> = {
  'missing-complete': { backend: StorageBackend, notifier: StorageBackend, session: writeUpSession(ExecutionSession), processPerActor: false },
  fixed: { backend: StorageBackend, notifier: StorageBackend, session: writeUpSession(FixedExecutionSession), processPerActor: false },
  'event-cleanup': { backend: EventStorageBackend, notifier: StorageBackend, session: writeUpSession(ExecutionSession), processPerActor: false },
  'exists-first': {
    backend: ExistsFirstStorageBackend,
    notifier: ExistsFirstStorageBackend,
    session: (storage, parts) => new ExistsFirstExecutionSession(storage, parts, false),
    processPerActor: false,
  },
  'exists-first-fixed': {
    backend: ExistsFirstStorageBackend,
    notifier: ExistsFirstStorageBackend,
    session: (storage, parts) => new ExistsFirstExecutionSession(storage, parts, true),
    processPerActor: false,
  },
  'fail-fast': {
    backend: FailFastStorageBackend,
    notifier: FailFastStorageBackend,
    session: (storage, parts) => new FailFastExecutionSession(storage, parts),
    processPerActor: true,
  },
};

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
    if ((options.start ?? 'empty') === 'stale-completion') {
      // An earlier run marked the operation completed, and its result never reached this database.
      setup.prepare("INSERT INTO execution_state (operation_id, status, claimed_by, claimed_at) VALUES (?, 'completed', ?, 0)").run(OPERATION_ID, EARLIER_RUN);
    }
    setup.close();
    const observer = new Database(file, { timeout: 0, readonly: true });
    handles.push(observer);
    const readStatus = observer.prepare<[string], { status: 'running' | 'completed' | 'failed' }>('SELECT status FROM execution_state WHERE operation_id = ?');
    const readResult = observer.prepare<[string], { n: number }>('SELECT count(*) AS n FROM results WHERE operation_id = ?');

    const code = CODE[options.variant];
    const faulty = options.fault !== 'none';
    const hasNotifiers = options.variant !== 'event-cleanup';
    const { lateWaiters } = options;
    const lateWorkers = options.lateWorkers ?? 1;
    const lateNames = faulty
      ? Array.from({ length: lateWorkers }, (_, i) => (lateWorkers === 1 ? 'late-worker' : `late-worker-${i}`))
      : Array.from({ length: lateWaiters }, (_, i) => (lateWaiters === 1 ? 'late-waiter' : `late-waiter-${i}`));
    const workerNames = Array.from({ length: options.workers }, (_, i) => `worker-${i}`);
    const programNames = [...workerNames, ...lateNames];
    const roles: LifecycleRole[] = [...workerNames.map((): LifecycleRole => 'worker'), ...lateNames.map((): LifecycleRole => (faulty ? 'late-worker' : 'waiter'))];
    // Processes: 2451df0 gives every actor its own; otherwise the workers and the late waiters are threads of the
    // first process, and every late worker is a process of its own. One notifier per process.
    const processOf = code.processPerActor ? programNames.map((_, i) => i) : roles.map((role, i) => (role === 'late-worker' ? 1 + i - options.workers : 0));
    const processCount = Math.max(...processOf) + 1;
    const notifierNames = !hasNotifiers
      ? []
      : code.processPerActor
        ? programNames.map((_, i) => `notifier-${i}`)
        : ['notifier', ...Array.from({ length: processCount - 1 }, (_, k) => (processCount === 2 ? 'late-notifier' : `late-notifier-${k}`))];
    const actors = [...programNames, ...notifierNames];

    const clock = new VirtualClock();
    const gates = new LockStepGates(actors);
    const runners = actors.map((_, i) => new LockStepRunner(gates.gate(i), clock));
    const storageOptions: StorageOptions = { staleMs: options.staleMs, pollMs: options.pollMs };
    // One connection per process, shared by its threads' backends (the redesign's single connection).
    const connections = Array.from({ length: processCount }, () => {
      const db = new Database(file, { timeout: 0, fileMustExist: true });
      handles.push(db);
      // No fsync per commit: durability across power loss is not what this scenario is about, and locking and
      // visibility between connections are the same at every synchronous level.
      db.pragma('synchronous = OFF');
      return db;
    });
    const memories = Array.from({ length: processCount }, () => new ProcessMemory());
    const backendFor = (i: number): OperationStore => new code.backend(connections[processOf[i]!]!, runners[i]!, memories[processOf[i]!]!, storageOptions);
    const executions: string[] = [];
    const computeBy = (name: string) => (operationId: string): string => {
      executions.push(name);
      return `result of ${operationId}`;
    };

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
          const session = code.session(backendFor(i), { steps: runner, compute: computeBy(name), workerId: name, faults, waitTimeoutMs: options.waitTimeoutMs });
          return () => session.executeOperation(OPERATION_ID);
        }
        case 'waiter': {
          const storage = backendFor(i);
          return () => storage.waitForCompletion(OPERATION_ID, options.waitTimeoutMs);
        }
        case 'late-worker': {
          // A process of its own, started (K + 1) seconds after the stale threshold: its engine start cleans up
          // stale claims first.
          runner.notBefore = options.staleMs + LATE_WORKER_DELAY_MS * (i - options.workers + 1);
          const storage = backendFor(i);
          const session = code.session(storage, { steps: runner, compute: computeBy(name), workerId: name, waitTimeoutMs: options.waitTimeoutMs });
          return async () => {
            if ((options.cleanup ?? 'fail') === 'fail') await storage.failStaleClaims();
            else await storage.cleanupStaleClaims();
            return session.executeOperation(OPERATION_ID);
          };
        }
        default:
          throw new Error(`no program for role ${String(roles[i])}`);
      }
    });
    notifierNames.forEach((_, p) => {
      const notifier = new code.notifier(connections[p]!, runners[programNames.length + p]!, memories[p]!, storageOptions);
      notifiers.push(notifier);
      programs.push(() => notifier.runNotifier());
    });
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
        // 2451df0's raises are failures too (the model maps them the same way).
        const word = (status: LifecycleActorStatus): string => (status === 'refused' || status === 'stale-cleaned' ? 'failed' : status);
        const exposed = realActors(views, (i) => realActor(gates.status(i), word(views[i]!.status)));
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
