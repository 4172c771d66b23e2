/**
 * The interpreter's execution path for one operation (seed 000, VoxLogicA-2, `_execute_operation`), in
 * TypeScript: return the stored result if there is one; otherwise claim the operation; the winner executes
 * it and stores the result; a loser that reads the claim `completed` fetches the result, one that reads it
 * `running` waits for completion (300 s).
 *
 * `ExecutionSession` is the code as it shipped: after store() nothing marks the operation completed (only
 * failures were marked). `FixedExecutionSession` is the documented fix: mark_completed right after store().
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
