/**
 * The interpreter's storage backend (seed 000, VoxLogicA-2), in TypeScript on better-sqlite3: the
 * execution_state table that deduplicates operations (a claim per operation, INSERT OR IGNORE with the
 * worker's own id, then a read-back to see whose claim won), the results table, and two designs of
 * wait_for_completion, as the project had them:
 *
 * - `EventStorageBackend`, the first design: one CompletionEvent per operation in a table in memory; store()
 *   sets it (_notify_completion); a waiter gets or creates it, waits, and in its `finally` removes the
 *   operation's entry from the table (the timeout cleanup), whichever event is there by then.
 * - `StorageBackend`, the redesign: a waiter appends a callback that sets its own fresh event; a notification
 *   thread polls every 100 ms, reads the status of every operation with callbacks, and fires them once it
 *   reads `completed`. Nothing else wakes a waiter.
 *
 * Every statement and every touch of the shared tables is one step of a StepRunner (step-runner.ts). Each
 * backend instance has its own connection; instances of one process share a ProcessMemory (the callback and
 * event tables), as the threads of one Python process share their StorageBackend. Statements are prepared
 * in the constructor: preparing is not a step.
 */
import type Database from 'better-sqlite3';
import { CompletionEvent, timeText, type StepRunner } from './step-runner.js';

export const LIFECYCLE_SCHEMA = `
CREATE TABLE IF NOT EXISTS execution_state (
  operation_id TEXT PRIMARY KEY,
  status TEXT NOT NULL,
  claimed_by TEXT NOT NULL,
  claimed_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS results (operation_id TEXT PRIMARY KEY, data TEXT NOT NULL);
`;

/** The seed's figures. */
export const WAIT_TIMEOUT_MS = 300_000;
export const NOTIFIER_POLL_MS = 100;
export const STALE_CLAIM_MS = 3_600_000;

export class OperationTimeoutError extends Error {
  override readonly name = 'OperationTimeoutError';
}

export class ResultNotFoundError extends Error {
  override readonly name = 'ResultNotFoundError';
}

/** What the threads of one process share: the waiters' callbacks and the per-operation events. */
export class ProcessMemory {
  readonly completionCallbacks = new Map<string, (() => void)[]>();
  readonly events = new Map<string, CompletionEvent>();
}

export type ClaimResult =
  | { readonly claimed: true }
  | { readonly claimed: false; readonly claimedBy: string; readonly status: 'running' | 'completed' };

interface ClaimRow {
  readonly claimed_by: string;
  readonly status: 'running' | 'completed';
}

export interface StorageOptions {
  readonly staleMs?: number;
  readonly pollMs?: number;
  /** Names a claimant in step records (the worker's own id by default). */
  readonly nameOf?: (workerId: string) => string;
}

/** The SQL every design shares. */
export abstract class OperationStore {
  protected readonly staleMs: number;
  protected readonly pollMs: number;
  private readonly nameOf: (workerId: string) => string;
  private readonly selectResult: Database.Statement<[string], { data: string }>;
  private readonly insertClaim: Database.Statement<[string, string, number]>;
  private readonly selectClaim: Database.Statement<[string], ClaimRow>;
  private readonly insertResult: Database.Statement<[string, string]>;
  private readonly completeClaim: Database.Statement<[string]>;
  private readonly deleteStale: Database.Statement<[number]>;
  protected readonly selectStatus: Database.Statement<[string], { status: string }>;

  constructor(
    protected readonly db: Database.Database,
    protected readonly steps: StepRunner,
    protected readonly memory: ProcessMemory,
    options: StorageOptions = {},
  ) {
    this.staleMs = options.staleMs ?? STALE_CLAIM_MS;
    this.pollMs = options.pollMs ?? NOTIFIER_POLL_MS;
    this.nameOf = options.nameOf ?? ((id) => id);
    this.selectResult = db.prepare('SELECT data FROM results WHERE operation_id = ?');
    this.insertClaim = db.prepare("INSERT OR IGNORE INTO execution_state (operation_id, status, claimed_by, claimed_at) VALUES (?, 'running', ?, ?)");
    this.selectClaim = db.prepare('SELECT claimed_by, status FROM execution_state WHERE operation_id = ?');
    this.insertResult = db.prepare('INSERT OR REPLACE INTO results (operation_id, data) VALUES (?, ?)');
    this.completeClaim = db.prepare("UPDATE execution_state SET status = 'completed' WHERE operation_id = ?");
    this.deleteStale = db.prepare("DELETE FROM execution_state WHERE status = 'running' AND claimed_at < ?");
    this.selectStatus = db.prepare('SELECT status FROM execution_state WHERE operation_id = ?');
  }

  /** exists() and retrieve() in one SELECT: the result, or undefined when there is none yet. */
  retrieve(operationId: string): Promise<string | undefined> {
    return this.steps.run('SELECT result', () => this.selectResult.get(operationId)?.data, (data) => (data === undefined ? 'none' : 'found'));
  }

  /** Claims the operation for `workerId`; whoever's claim is in the row after the INSERT OR IGNORE won. */
  async markRunning(operationId: string, workerId: string): Promise<ClaimResult> {
    await this.steps.run('INSERT OR IGNORE claim', () => this.insertClaim.run(operationId, workerId, this.steps.now()), (r) => (r.changes === 1 ? 'inserted' : 'ignored'));
    const row = await this.steps.run('SELECT claim', () => this.selectClaim.get(operationId), (r) =>
      r === undefined ? 'no row' : r.claimed_by === workerId ? 'mine' : `${this.nameOf(r.claimed_by)}'s, ${r.status}`,
    );
    if (row === undefined) throw new Error(`the claim on ${operationId} vanished between INSERT and read-back`);
    return row.claimed_by === workerId ? { claimed: true } : { claimed: false, claimedBy: row.claimed_by, status: row.status };
  }

  async store(operationId: string, data: string): Promise<void> {
    await this.steps.run('INSERT result', () => this.insertResult.run(operationId, data));
  }

  async markCompleted(operationId: string): Promise<void> {
    await this.steps.run('UPDATE status = completed', () => this.completeClaim.run(operationId));
  }

  /** At a process's startup: forget running claims older than the stale threshold (their owner is gone). */
  cleanupStaleClaims(): Promise<number> {
    return this.steps.run(
      'DELETE stale claims',
      () => this.deleteStale.run(this.steps.now() - this.staleMs).changes,
      (deleted) => `deleted ${deleted} at ${timeText(this.steps.now())}`,
    );
  }

  /** Blocks until the operation completes (or the timeout passes) and returns its result. */
  abstract waitForCompletion(operationId: string, timeoutMs: number): Promise<string>;

  protected async fetchAfterWake(operationId: string, woke: boolean, timeoutMs: number): Promise<string> {
    if (!woke) throw new OperationTimeoutError(`Timeout waiting for operation ${operationId} to complete (${timeoutMs} ms)`);
    const data = await this.retrieve(operationId);
    if (data === undefined) throw new ResultNotFoundError(`Operation completed but result not found for ${operationId}`);
    return data;
  }
}

/** The first design: one event per operation, set by store(), removed by each waiter when its wait ends. */
export class EventStorageBackend extends OperationStore {
  override async store(operationId: string, data: string): Promise<void> {
    await super.store(operationId, data);
    await this.notifyCompletion(operationId);
  }

  private notifyCompletion(operationId: string): Promise<void> {
    return this.steps.run(
      'set event',
      () => {
        const event = this.memory.events.get(operationId);
        event?.set();
        return event !== undefined;
      },
      (found) => (found ? 'set' : 'no event'),
    ).then(() => undefined);
  }

  async waitForCompletion(operationId: string, timeoutMs: number): Promise<string> {
    const event = await this.steps.run(
      'get event',
      () => {
        const existing = this.memory.events.get(operationId);
        if (existing !== undefined) return { event: existing, created: false };
        const created = new CompletionEvent();
        this.memory.events.set(operationId, created);
        return { event: created, created: true };
      },
      (r) => (r.created ? 'created' : 'existing'),
    );
    let woke: boolean;
    try {
      woke = await this.steps.waitFor('check event', event.event, timeoutMs);
    } finally {
      // The timeout cleanup: drop the operation's event so the table does not grow.
      await this.steps.run('pop event', () => this.memory.events.delete(operationId), (removed) => (removed ? 'removed' : 'already gone'));
    }
    return this.fetchAfterWake(operationId, woke, timeoutMs);
  }
}

/** The redesign: callbacks per waiter, fired by the notification thread. */
export class StorageBackend extends OperationStore {
  private stopped = false;

  async waitForCompletion(operationId: string, timeoutMs: number): Promise<string> {
    const event = new CompletionEvent();
    await this.steps.run('register callback', () => {
      const callbacks = this.memory.completionCallbacks.get(operationId) ?? [];
      callbacks.push(() => event.set());
      this.memory.completionCallbacks.set(operationId, callbacks);
    });
    const woke = await this.steps.waitFor('check event', event, timeoutMs);
    return this.fetchAfterWake(operationId, woke, timeoutMs);
  }

  /** The notification thread: every pollMs, fire the callbacks of the operations that read `completed`. */
  async runNotifier(): Promise<void> {
    while (!this.stopped) {
      await this.steps.sleepThen(this.pollMs, 'poll', () => this.pollCompletions(), (poll) => describePoll(poll, this.steps.now()));
    }
  }

  stopNotifier(): void {
    this.stopped = true;
  }

  /** One poll; returns how many callbacks it fired and what it read. */
  pollCompletions(): { fired: number; pending: number } {
    let fired = 0;
    let pending = 0;
    for (const [operationId, callbacks] of [...this.memory.completionCallbacks]) {
      const row = this.selectStatus.get(operationId);
      if (row?.status !== 'completed') {
        pending += callbacks.length;
        continue;
      }
      this.memory.completionCallbacks.delete(operationId);
      for (const callback of callbacks) callback();
      fired += callbacks.length;
    }
    return { fired, pending };
  }
}

function describePoll({ fired, pending }: { fired: number; pending: number }, now: number): string {
  if (fired > 0) return `completed at ${timeText(now)}: fired ${fired} callback${fired === 1 ? '' : 's'}`;
  return pending > 0 ? `running at ${timeText(now)}: ${pending} pending` : `nothing pending at ${timeText(now)}`;
}
