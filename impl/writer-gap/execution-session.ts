/**
 * The interpreter's side (execution.py in the seeds): a worker executes an operation at most once across the
 * interpreter, deduplicated through the storage backend. The claim winner computes, stores and marks completed
 * (the seed's fix 2 added that last call); everyone else waits for the result.
 */
import type { StepRunner } from './step-runner.js';
import { STEP_WORDS, type OperationFuture, type OperationFutures, type PersistedStorageBackend, type StorageBackend } from './storage-backend.js';

export class ExecutionSession {
  constructor(
    private readonly storage: StorageBackend,
    readonly workerId: string,
  ) {}

  async executeOperation(operationId: string, compute: () => Buffer): Promise<Buffer> {
    const claimed = await this.storage.markRunning(operationId, this.workerId);
    if (!claimed) return this.storage.waitForCompletion(operationId);
    const result = compute();
    await this.storage.store(operationId, result);
    await this.storage.markCompleted(operationId);
    return result;
  }

  /** A later operation that needs this one's value: wait for it and retrieve it. */
  awaitResult(operationId: string): Promise<Buffer> {
    return this.storage.waitForCompletion(operationId);
  }
}

/**
 * 2451df0's `_execute_pure_operation` for the threads of one process: look the result up; await the claimant's
 * future if there is one; claim; the winner registers its future, stores the result synchronously, marks the
 * operation completed only if is_persistable() finds it, sets its future's result and removes the future; a
 * loser awaits the future if it finds it now, else falls back to `_wait_for_result`. A later reader is the goal,
 * which reads storage once the computation is over.
 */
export class PersistedExecutionSession {
  constructor(
    private readonly storage: PersistedStorageBackend,
    private readonly futures: OperationFutures,
    private readonly steps: StepRunner,
    readonly workerId: string,
  ) {}

  async executeOperation(operationId: string, compute: () => Buffer): Promise<Buffer> {
    const stored = await this.storage.lookUp(operationId);
    if (stored !== undefined) return stored;
    const existing = await this.futures.get(operationId);
    if (existing !== undefined) return this.await(existing);
    if (!(await this.storage.markRunning(operationId, this.workerId))) {
      const claimants = await this.futures.get(operationId);
      if (claimants !== undefined) return this.await(claimants);
      return this.waitForResult(operationId);
    }
    const future = await this.futures.register(operationId);
    const result = compute();
    await this.storage.storePersisted(operationId, result);
    if (await this.storage.isPersistable(operationId)) await this.storage.markCompleted(operationId);
    await this.steps.step(STEP_WORDS.resolveFuture, () => future.set(result), () => 'ok');
    await this.futures.remove(operationId);
    return result;
  }

  /** The goal: reads storage once the computation is over. */
  awaitResult(operationId: string): Promise<Buffer> {
    return this.storage.resultForGoal(operationId);
  }

  /** `_wait_for_result`: the future once more, the result, then wait_for_completion. */
  private async waitForResult(operationId: string): Promise<Buffer> {
    const future = await this.futures.get(operationId);
    if (future !== undefined) return this.await(future);
    const stored = await this.storage.lookUp(operationId);
    if (stored !== undefined) return stored;
    return this.storage.waitForCompletion(operationId);
  }

  /** future.result(); the reads that follow it upstream cannot change what it returns and are not steps. */
  private await(future: OperationFuture): Promise<Buffer> {
    return this.steps.step(STEP_WORDS.awaitFuture, () => future.result, () => 'result');
  }
}
