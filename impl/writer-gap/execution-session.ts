/**
 * The interpreter's side (execution.py in the seeds): a worker executes an operation at most once across the
 * interpreter, deduplicated through the storage backend. The claim winner computes, stores and marks completed
 * (the seed's fix 2 added that last call); everyone else waits for the result.
 */
import type { StorageBackend } from './storage-backend.js';

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
