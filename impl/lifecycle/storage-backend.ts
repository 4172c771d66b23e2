/**
 * The interpreter's storage backend (seed 000, VoxLogicA-2), in TypeScript on better-sqlite3: the
 * execution_state table that deduplicates operations (a claim per operation, INSERT OR IGNORE with the
 * worker's own id, then a read-back to see whose claim won), the results table, and the designs of
 * wait_for_completion the project had (../shared/seed-systems.md §1):
 *
 * - `EventStorageBackend`, the first design as the seed-000 write-up tells it: one CompletionEvent per
 *   operation in a table in memory; store() sets it (_notify_completion); a waiter gets or creates it, waits,
 *   and in its `finally` removes the operation's entry from the table, whichever event is there by then.
 * - `StorageBackend`, the redesign as the write-up sketches it: a waiter appends a callback that sets its own
 *   fresh event; a notification thread polls every 100 ms, reads the status of every operation with callbacks,
 *   and fires them once it reads `completed`. Nothing else wakes a waiter.
 * - `ExistsFirstStorageBackend`, the redesign as committed (02986bf): the wait returns the result at once if
 *   it is already stored, raises if the row reads `failed`, and only then registers; once woken it reads the
 *   status again and fetches; after a timeout its `finally` removes its callback. Its notifier fires on
 *   `completed` and on `failed`.
 * - `FailFastStorageBackend`, 2451df0 (the seed-001 fix): the same, but a row that reads `running` raises at
 *   once, and a completed row whose result is nowhere is deleted ("cleaned up for retry") before it raises.
 *
 * Every statement and every touch of the shared tables is one step of a StepRunner (step-runner.ts). The
 * backends of one process share its connection and its ProcessMemory (the callback and event tables), as the
 * threads of one Python process share their StorageBackend; every statement runs in autocommit and no two steps
 * overlap, so one connection per process or per thread changes no outcome. A statement is prepared on its first
 * use, inside the step that runs it (preparing takes no lock anybody else could meet here).
 */
import type Database from 'better-sqlite3';
import { CompletionEvent, timeText, type StepRunner } from './step-runner.js';

export const LIFECYCLE_SCHEMA = `
CREATE TABLE IF NOT EXISTS execution_state (
  operation_id TEXT PRIMARY KEY,
  status TEXT NOT NULL, -- 'running' | 'completed' | 'failed'
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

/** "Operation failed: ...": the row reads failed (upstream's wait_for_completion). */
export class OperationFailedError extends Error {
  override readonly name = 'OperationFailedError';
}

/** 2451df0: the row reads running, and waiting across processes is refused ("may produce non-persistable result"). */
export class RunningElsewhereError extends Error {
  override readonly name = 'RunningElsewhereError';
}

/** 2451df0: completed, but the result is nowhere; the row was deleted "for retry". */
export class StaleCompletionError extends Error {
  override readonly name = 'StaleCompletionError';
}

/** execution_state.status as a step reads it; 'none' when the operation has no row. */
export type RowStatus = 'none' | 'running' | 'completed' | 'failed';

/** What the threads of one process share: the waiters' callbacks and the per-operation events. */
export class ProcessMemory {
  readonly completionCallbacks = new Map<string, (() => void)[]>();
  readonly events = new Map<string, CompletionEvent>();
}

export type ClaimResult = { readonly claimed: true } | { readonly claimed: false; readonly status: RowStatus };

interface ClaimRow {
  readonly claimed_by: string;
  readonly status: 'running' | 'completed' | 'failed';
}

export interface StorageOptions {
  readonly staleMs?: number;
  readonly pollMs?: number;
  /** Names a claimant in step records (the worker's own id by default). */
  readonly nameOf?: (workerId: string) => string;
}

/** Prepared statements by connection, shared by every backend of a process (they share its connection). */
const STATEMENTS = new WeakMap<Database.Database, Map<string, Database.Statement>>();

/** The statements every design uses. */
const SQL = {
  selectResult: 'SELECT data FROM results WHERE operation_id = ?',
  insertClaim: "INSERT OR IGNORE INTO execution_state (operation_id, status, claimed_by, claimed_at) VALUES (?, 'running', ?, ?)",
  selectClaim: 'SELECT claimed_by, status FROM execution_state WHERE operation_id = ?',
  insertResult: 'INSERT OR REPLACE INTO results (operation_id, data) VALUES (?, ?)',
  insertResultIfAbsent: 'INSERT OR IGNORE INTO results (operation_id, data) VALUES (?, ?)',
  completeClaim: "UPDATE execution_state SET status = 'completed' WHERE operation_id = ?",
  deleteStale: "DELETE FROM execution_state WHERE status = 'running' AND claimed_at < ?",
  failStale: "UPDATE execution_state SET status = 'failed' WHERE status = 'running' AND claimed_at < ?",
  deleteClaim: 'DELETE FROM execution_state WHERE operation_id = ?',
  selectStatus: 'SELECT status FROM execution_state WHERE operation_id = ?',
} as const;

/** The SQL every design shares. */
export abstract class OperationStore {
  protected readonly staleMs: number;
  protected readonly pollMs: number;
  private readonly nameOf: (workerId: string) => string;

  constructor(
    protected readonly db: Database.Database,
    protected readonly steps: StepRunner,
    protected readonly memory: ProcessMemory,
    options: StorageOptions = {},
  ) {
    this.staleMs = options.staleMs ?? STALE_CLAIM_MS;
    this.pollMs = options.pollMs ?? NOTIFIER_POLL_MS;
    this.nameOf = options.nameOf ?? ((id) => id);
  }

  /** The statement for `sql` on this backend's connection, prepared on first use (preparing is not a step). */
  protected statement<P extends unknown[] = unknown[], R = unknown>(sql: string): Database.Statement<P, R> {
    let cache = STATEMENTS.get(this.db);
    if (cache === undefined) STATEMENTS.set(this.db, (cache = new Map()));
    let prepared = cache.get(sql);
    if (prepared === undefined) cache.set(sql, (prepared = this.db.prepare(sql)));
    return prepared as unknown as Database.Statement<P, R>;
  }

  /** exists() and retrieve() in one SELECT: the result, or undefined when there is none yet. */
  retrieve(operationId: string): Promise<string | undefined> {
    return this.steps.run('SELECT result', () => this.statement<[string], { data: string }>(SQL.selectResult).get(operationId)?.data, (data) => (data === undefined ? 'none' : 'found'));
  }

  /**
   * Claims the operation for `workerId`; whoever's claim is in the row after the INSERT OR IGNORE won. A row
   * that is gone by the read-back (somebody deleted it in between) is a lost claim, as upstream's mark_running
   * has it.
   */
  async markRunning(operationId: string, workerId: string): Promise<ClaimResult> {
    await this.steps.run('INSERT OR IGNORE claim', () => this.statement<[string, string, number]>(SQL.insertClaim).run(operationId, workerId, this.steps.now()), (r) => (r.changes === 1 ? 'inserted' : 'ignored'));
    const row = await this.steps.run('SELECT claim', () => this.statement<[string], ClaimRow>(SQL.selectClaim).get(operationId), (r) =>
      r === undefined ? 'no row' : r.claimed_by === workerId ? 'mine' : `${this.nameOf(r.claimed_by)}'s, ${r.status}`,
    );
    if (row === undefined) return { claimed: false, status: 'none' };
    return row.claimed_by === workerId ? { claimed: true } : { claimed: false, status: row.status };
  }

  /** The write-up's store(): write the result, replacing any. */
  async store(operationId: string, data: string): Promise<void> {
    await this.steps.run('INSERT result', () => this.statement<[string, string]>(SQL.insertResult).run(operationId, data));
  }

  /**
   * Upstream's store() (02986bf, 2451df0): exists() first, then INSERT OR IGNORE; false when the result was
   * already there and nothing was written.
   */
  async storeIfAbsent(operationId: string, data: string): Promise<boolean> {
    if ((await this.retrieve(operationId)) !== undefined) return false;
    await this.steps.run('INSERT result', () => this.statement<[string, string]>(SQL.insertResultIfAbsent).run(operationId, data), (r) => (r.changes === 1 ? 'inserted' : 'ignored'));
    return true;
  }

  /** 2451df0's is_persistable(): whether the results table has the result. */
  async isPersistable(operationId: string): Promise<boolean> {
    return (await this.retrieve(operationId)) !== undefined;
  }

  /** mark_completed: no check of whose claim the row is. */
  async markCompleted(operationId: string): Promise<void> {
    await this.steps.run('UPDATE status = completed', () => this.statement<[string]>(SQL.completeClaim).run(operationId), (r) => (r.changes === 0 ? 'no row' : 'ok'));
  }

  /** lockstep's what-if cleanup at a process's startup: delete running claims older than the stale threshold. */
  cleanupStaleClaims(): Promise<number> {
    return this.steps.run(
      'DELETE stale claims',
      () => this.statement<[number]>(SQL.deleteStale).run(this.steps.now() - this.staleMs).changes,
      (deleted) => `deleted ${deleted} at ${timeText(this.steps.now())}`,
    );
  }

  /**
   * Upstream's cleanup at an engine start (`cleanup_failed_executions`, 02986bf and 2451df0): running rows older
   * than the threshold become failed, whoever owns them; nothing ever claims a failed row again.
   */
  failStaleClaims(): Promise<number> {
    return this.steps.run(
      'UPDATE stale claims to failed',
      () => this.statement<[number]>(SQL.failStale).run(this.steps.now() - this.staleMs).changes,
      (failed) => `failed ${failed} at ${timeText(this.steps.now())}`,
    );
  }

  /** SELECT status: the operation's row as a caller reads it. */
  readStatus(operationId: string): Promise<RowStatus> {
    return this.steps.run('SELECT status', () => (this.statement<[string], { status: string }>(SQL.selectStatus).get(operationId)?.status ?? 'none') as RowStatus, (status) => status);
  }

  /** 2451df0: delete the operation's row (a stale completion), so that somebody can claim it afresh. */
  deleteOperation(operationId: string): Promise<number> {
    return this.steps.run('DELETE claim', () => this.statement<[string]>(SQL.deleteClaim).run(operationId).changes, (deleted) => `deleted ${deleted}`);
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

/** The redesign as the write-up sketches it: callbacks per waiter, fired by the notification thread. */
export class StorageBackend extends OperationStore {
  private stopped = false;
  /** The statuses at which the notification thread fires callbacks: the write-up's reads `completed` only. */
  protected readonly firesOn: readonly RowStatus[] = ['completed'];

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

  /** One poll; returns how many callbacks it fired, how many it left pending, and the status it last read. */
  pollCompletions(): NotifierPoll {
    let fired = 0;
    let pending = 0;
    let status: RowStatus | null = null;
    for (const [operationId, callbacks] of [...this.memory.completionCallbacks]) {
      status = (this.statement<[string], { status: string }>(SQL.selectStatus).get(operationId)?.status ?? 'none') as RowStatus;
      if (!this.firesOn.includes(status)) {
        pending += callbacks.length;
        continue;
      }
      this.memory.completionCallbacks.delete(operationId);
      for (const callback of callbacks) callback();
      fired += callbacks.length;
    }
    return { fired, pending, status };
  }
}

/**
 * The redesign as committed (02986bf): wait_for_completion returns a stored result at once, raises on a failed
 * row, then registers; once woken it reads the status again and fetches; a timeout's `finally` removes the
 * callback. The notification thread also fires on `failed`.
 */
export class ExistsFirstStorageBackend extends StorageBackend {
  protected override readonly firesOn: readonly RowStatus[] = ['completed', 'failed'];

  override async waitForCompletion(operationId: string, timeoutMs: number): Promise<string> {
    const stored = await this.retrieve(operationId);
    if (stored !== undefined) return stored;
    await this.beforeRegistering(operationId);
    if ((await this.readStatus(operationId)) === 'failed') throw new OperationFailedError(`Operation failed: ${STALE_CLEANUP_MESSAGE}`);
    const event = new CompletionEvent();
    const callback = (): void => event.set();
    await this.steps.run('register callback', () => {
      const callbacks = this.memory.completionCallbacks.get(operationId) ?? [];
      callbacks.push(callback);
      this.memory.completionCallbacks.set(operationId, callbacks);
    });
    const woke = await this.steps.waitFor('check event', event, timeoutMs);
    if (!woke) {
      // The finally block: take my callback out (after a wake the notification thread already has).
      await this.steps.run('remove callback', () => this.removeCallback(operationId, callback), (removed) => (removed ? 'removed' : 'already gone'));
      throw new OperationTimeoutError(`Timeout waiting for operation ${operationId} to complete (${timeoutMs} ms)`);
    }
    if ((await this.readStatus(operationId)) === 'failed') throw new OperationFailedError(`Operation failed: ${STALE_CLEANUP_MESSAGE}`);
    const data = await this.retrieve(operationId);
    if (data === undefined) return this.onCompletedWithoutResult(operationId);
    return data;
  }

  /** 02986bf checks nothing more before it registers. */
  protected async beforeRegistering(_operationId: string): Promise<void> {}

  /** 02986bf: "Operation completed but result not found". */
  protected onCompletedWithoutResult(operationId: string): Promise<never> {
    return Promise.reject(new ResultNotFoundError(`Operation completed but result not found for ${operationId}`));
  }

  private removeCallback(operationId: string, callback: () => void): boolean {
    const callbacks = this.memory.completionCallbacks.get(operationId);
    if (callbacks === undefined) return false;
    const at = callbacks.indexOf(callback);
    if (at >= 0) callbacks.splice(at, 1);
    if (callbacks.length === 0) this.memory.completionCallbacks.delete(operationId);
    return at >= 0;
  }
}

/**
 * 2451df0: a row that reads `running` raises at once (a process must not wait for another process's result),
 * and a completed row whose result is nowhere is deleted before the wait raises, "for retry".
 */
export class FailFastStorageBackend extends ExistsFirstStorageBackend {
  protected override async beforeRegistering(operationId: string): Promise<void> {
    if ((await this.readStatus(operationId)) === 'running') {
      throw new RunningElsewhereError(`Operation ${operationId} is running but may produce non-persistable result`);
    }
  }

  protected override async onCompletedWithoutResult(operationId: string): Promise<never> {
    await this.deleteOperation(operationId);
    throw new StaleCompletionError(`Operation ${operationId} had stale completion state - cleaned up for retry`);
  }
}

/** The error message upstream's cleanup writes into the rows it fails. */
export const STALE_CLEANUP_MESSAGE = 'Cleanup: execution timed out';

/** What one poll of the notification thread did. */
export interface NotifierPoll {
  readonly fired: number;
  readonly pending: number;
  /** The status the poll last read, or null when no callback was registered. */
  readonly status: RowStatus | null;
}

function describePoll({ fired, pending, status }: NotifierPoll, now: number): string {
  if (fired > 0) return `${status} at ${timeText(now)}: fired ${fired} callback${fired === 1 ? '' : 's'}`;
  return pending > 0 ? `${status} at ${timeText(now)}: ${pending} pending` : `nothing pending at ${timeText(now)}`;
}
