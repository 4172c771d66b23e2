/**
 * The interpreter's execution path for one operation (seed 000, VoxLogicA-2, `_execute_operation`), in
 * TypeScript: return the stored result if there is one; otherwise claim the operation; the winner executes
 * it and stores the result; a loser waits for completion (300 s).
 *
 * `ExecutionSession` is the path as the seed-000 write-up tells it: after store() nothing marks the operation
 * completed (only failures were marked), and a loser that reads the claim `completed` fetches the result
 * instead of waiting. `FixedExecutionSession` is the write-up's fix: mark_completed right after store().
 * `ExistsFirstExecutionSession` is 02986bf's path: a loser always waits (the wait itself looks the result up
 * first), and store() writes only if the result is not there yet; `marksCompleted` adds the fix. 
 * `FailFastExecutionSession` is 2451df0's: a loser looks the result up once more before it waits; the winner
 * marks the operation completed only once is_persistable() finds the result in the database.
 *
 * `faults` is the test harness's hook into this thread's life: `afterClaim` runs right after a won claim,
 * before the computation. It may throw WorkerCrash to stand for the thread dying there, or take its time to
 * stand for a stall (a long pause with the claim held). In production it does nothing.
 */
import { randomUUID } from 'node:crypto';
import type { OperationStore } from './storage-backend.js';
import { ResultNotFoundError, WAIT_TIMEOUT_MS } from './storage-backend.js';
import type { StepRunner } from './step-runner.js';

export class WorkerCrash extends Error {
  override readonly name = 'WorkerCrash';
  constructor() {
    super('crashed');
  }
}

export interface SessionFaults {
  afterClaim(): Promise<void>;
}

export const NO_FAULTS: SessionFaults = { afterClaim: () => Promise.resolve() };

/** The computation: what running the operation produces. */
export type Compute = (operationId: string) => string;

export class ExecutionSession {
  constructor(
    protected readonly storage: OperationStore,
    protected readonly steps: StepRunner,
    private readonly compute: Compute,
    /** This worker's claim id: a fresh UUID per session in production. */
    readonly workerId: string = randomUUID(),
    private readonly faults: SessionFaults = NO_FAULTS,
    private readonly waitTimeoutMs: number = WAIT_TIMEOUT_MS,
  ) {}

  async executeOperation(operationId: string): Promise<string> {
    const cached = await this.storage.retrieve(operationId);
    if (cached !== undefined) return cached;
    const claim = await this.storage.markRunning(operationId, this.workerId);
    if (!claim.claimed) {
      if (claim.status === 'completed') return this.fetchCompleted(operationId);
      // Being computed by another worker: wait for it.
      return this.storage.waitForCompletion(operationId, this.waitTimeoutMs);
    }
    return this.executeOperationInner(operationId);
  }

  /** The claim is ours: run the computation and store the result. */
  protected async executeOperationInner(operationId: string): Promise<string> {
    await this.faults.afterClaim();
    const result = await this.steps.run('execute', () => this.compute(operationId));
    await this.storage.store(operationId, result);
    return result;
  }

  private async fetchCompleted(operationId: string): Promise<string> {
    const data = await this.storage.retrieve(operationId);
    if (data === undefined) throw new ResultNotFoundError(`Operation completed but result not found for ${operationId}`);
    return data;
  }
}

export class FixedExecutionSession extends ExecutionSession {
  protected override async executeOperationInner(operationId: string): Promise<string> {
    const result = await super.executeOperationInner(operationId);
    await this.storage.markCompleted(operationId);
    return result;
  }
}

/** What a session needs besides its storage: how it steps, what it computes, who it is, its faults. */
export interface SessionParts {
  readonly steps: StepRunner;
  readonly compute: Compute;
  readonly workerId: string;
  readonly faults?: SessionFaults;
  readonly waitTimeoutMs?: number;
}

/** 02986bf's `_execute_pure_operation` (with `marksCompleted`, the mark_completed the seed-001 write-up added). */
export class ExistsFirstExecutionSession {
  protected readonly steps: StepRunner;
  protected readonly waitTimeoutMs: number;
  private readonly compute: Compute;
  private readonly faults: SessionFaults;
  readonly workerId: string;

  constructor(
    protected readonly storage: OperationStore,
    parts: SessionParts,
    private readonly marksCompleted: boolean,
  ) {
    this.steps = parts.steps;
    this.compute = parts.compute;
    this.workerId = parts.workerId;
    this.faults = parts.faults ?? NO_FAULTS;
    this.waitTimeoutMs = parts.waitTimeoutMs ?? WAIT_TIMEOUT_MS;
  }

  async executeOperation(operationId: string): Promise<string> {
    const cached = await this.storage.retrieve(operationId);
    if (cached !== undefined) return cached;
    // get_operation_future(): 02986bf never registers a future, so the lookup always misses.
    const claim = await this.storage.markRunning(operationId, this.workerId);
    if (!claim.claimed) return this.waitForResult(operationId);
    await this.faults.afterClaim();
    const result = await this.steps.run('execute', () => this.compute(operationId));
    await this.persist(operationId, result);
    return result;
  }

  /** `_wait_for_result`: 02986bf falls through to wait_for_completion. */
  protected waitForResult(operationId: string): Promise<string> {
    return this.storage.waitForCompletion(operationId, this.waitTimeoutMs);
  }

  protected async persist(operationId: string, result: string): Promise<void> {
    await this.storage.storeIfAbsent(operationId, result);
    if (this.marksCompleted) await this.storage.markCompleted(operationId);
  }
}

/**
 * 2451df0's path, for a process with one worker thread (its futures table and memory cache then touch nobody
 * else and take no steps): `_wait_for_result` looks the result up before it waits; the synchronous store is
 * followed by is_persistable(), and only a persisted result is marked completed.
 */
export class FailFastExecutionSession extends ExistsFirstExecutionSession {
  constructor(storage: OperationStore, parts: SessionParts) {
    super(storage, parts, true);
  }

  protected override async waitForResult(operationId: string): Promise<string> {
    const stored = await this.storage.retrieve(operationId);
    if (stored !== undefined) return stored;
    return super.waitForResult(operationId);
  }

  protected override async persist(operationId: string, result: string): Promise<void> {
    await this.storage.storeIfAbsent(operationId, result);
    if (await this.storage.isPersistable(operationId)) await this.storage.markCompleted(operationId);
  }
}
