/**
 * VoxLogicA-2's storage backend (seeds 000 and 001), as its authors would write it in TypeScript on
 * better-sqlite3: one connection shared by every thread of the interpreter, operations claimed in
 * execution_state with INSERT OR IGNORE, results written by a background writer that drains a queue, waiters
 * that register a callback and wait until the notification thread fires it (it polls the status of the
 * operations that have callbacks every 100 ms), then retrieve the result. `wake: 'poll'` keeps the loop the
 * redesign replaced: each waiter polls the status itself.
 *
 * Four versions of the code, as subclasses (../shared/seed-systems.md §1.4-1.6):
 * - `StorageBackend`: 02986bf's store(): serialize, queue the write, return; retrieve() looks in SQLite first,
 *   then in memory. The caller then marks the operation completed (the working copy the seed-001 write-up
 *   describes), possibly before the writer has run the INSERT; a waiter that retrieves in between finds no row,
 *   and no memory copy either (the memory cache only ever held results that cannot be serialized).
 * - `DbFirstStorageBackend`: the seed-001 write-up's fix on that code: store() puts the result in the memory
 *   cache before queueing it, and the writer evicts it only after its INSERT wrote the row; retrieve() still
 *   looks in SQLite first.
 * - `MemoryCacheStorageBackend`: the same with 2451df0's retrieve(), which looks in memory first.
 * - `PersistedStorageBackend`: 2451df0's synchronous path for executed results: store(ensure_persisted=True)
 *   puts the result in memory and INSERTs it at once on the shared connection (a failure is logged, the memory
 *   copy kept); is_persistable(); wait_for_completion raises at once on a running row, on a failed one, and
 *   deletes a completed row whose result is nowhere; the notification thread also fires on failed. The
 *   threads of the process share a table of futures (OperationFutures).
 *
 * Every statement and every access to the memory cache or the queue is one step (StepRunner). Statements are
 * prepared in the constructor, so preparing is never a step.
 */
import Database from 'better-sqlite3';
import { systemClock, type Clock } from './clock.js';
import { directSteps, type StepRunner } from './step-runner.js';
import { WriteQueue } from './write-queue.js';

export const STORAGE_SCHEMA = `
CREATE TABLE IF NOT EXISTS execution_state (
  operation_id TEXT PRIMARY KEY,
  status TEXT NOT NULL,
  worker_id TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS results (
  operation_id TEXT PRIMARY KEY,
  data BLOB NOT NULL,
  size_bytes INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);`;

/** execution_state.status as a caller sees it; 'none' when the operation has no row yet. */
export type OperationStatus = 'none' | 'running' | 'completed' | 'failed';

/** The words of each step (the model prints the same). */
export const STEP_WORDS = {
  getFuture: 'get future',
  setFuture: 'set future',
  awaitFuture: 'await future',
  resolveFuture: 'set future result',
  removeFuture: 'remove future',
  persist: 'INSERT result',
  deleteClaim: 'DELETE execution_state',
  claim: 'INSERT OR IGNORE execution_state',
  memoryPut: 'memory put',
  enqueue: 'enqueue write',
  markCompleted: 'UPDATE status = completed',
  selectStatus: 'SELECT status',
  memoryGet: 'memory get',
  selectResult: 'SELECT result',
  write: 'dequeue, INSERT result',
  evict: 'memory evict',
  register: 'register callback',
  wait: 'wait on event',
  poll: 'poll',
} as const;

/** The poll interval, of the notification thread and of a polling waiter (the seed's 100 ms). */
export const POLL_INTERVAL_MS = 100;

/** How wait_for_completion learns that the operation completed. */
export type WakeMode = 'notifier' | 'poll';

/** "Operation completed but result not found": the error of seed 001. */
export class ResultNotFoundError extends Error {
  override readonly name = 'ResultNotFoundError';
  readonly code = 'result-not-found';
  constructor(readonly operationId: string) {
    super(`Operation completed but result not found for ${operationId}`);
  }
}

/** 2451df0: the row reads running, and waiting on the database is refused ("may produce non-persistable result"). */
export class RunningElsewhereError extends Error {
  override readonly name = 'RunningElsewhereError';
  readonly code = 'refused';
}

/** 2451df0: the row reads failed ("Operation failed"). */
export class OperationFailedError extends Error {
  override readonly name = 'OperationFailedError';
  readonly code = 'failed';
}

/** 2451df0: completed without a result anywhere; the row was deleted "for retry". */
export class StaleCompletionError extends Error {
  override readonly name = 'StaleCompletionError';
  readonly code = 'stale-cleaned';
}

/** 2451df0's goal: "Missing computed result for goal operation". */
export class MissingResultError extends Error {
  override readonly name = 'MissingResultError';
  readonly code = 'missing';
}

export interface StorageOptions {
  readonly steps?: StepRunner;
  readonly clock?: Clock;
  /** Where the background writer reports a failed write (it logs and goes on). */
  readonly log?: (message: string) => void;
  /** 'notifier' (default): callbacks fired by the notification thread (startNotifier()); 'poll': waiters poll. */
  readonly wake?: WakeMode;
}

interface WriteRequest {
  readonly operationId: string;
  readonly data: Buffer;
}

const STOP = Symbol('stop the background writer');

/** What one turn of the writer did: wrote the row, failed with an SQLite error code, or was told to stop. */
type WriteTurn = { readonly kind: 'wrote'; readonly operationId: string; readonly changes: number } | { readonly kind: 'failed'; readonly code: string } | { readonly kind: 'stopped' };

const writeTurnText = (turn: WriteTurn): string => {
  switch (turn.kind) {
    case 'wrote':
      return `${turn.changes} row`;
    case 'failed':
      return turn.code;
    case 'stopped':
      return 'stopped';
  }
};

const statusText = (status: OperationStatus): string => (status === 'completed' ? 'completed' : `${status}, waits`);

/** What one poll of the notification thread did, at which time. */
interface NotifierPoll {
  readonly at: number;
  readonly fired: number;
  /** Callbacks left registered: their operations did not read completed. */
  readonly pending: number;
  /** The status the poll last read. */
  readonly status: OperationStatus;
}

/** Virtual or wall time as a step record shows it, in seconds: `t=0.1s`. */
const timeText = (ms: number): string => `t=${ms / 1000}s`;
const pollText = ({ at, fired, pending, status }: NotifierPoll): string => {
  if (fired > 0) return `${status} at ${timeText(at)}: fired ${fired} callback${fired === 1 ? '' : 's'}`;
  return pending > 0 ? `${status} at ${timeText(at)}: ${pending} pending` : `nothing pending at ${timeText(at)}`;
};
/** How a read of retrieve() went; `last`: nowhere else is left to look. */
export const memoryText = (last: boolean) => (data: Buffer | undefined): string => (data !== undefined ? 'hit' : last ? 'miss, not found' : 'miss');
export const rowText = (last: boolean) => (data: Buffer | undefined): string => (data !== undefined ? 'row' : last ? 'no row, not found' : 'no row');

export class StorageBackend {
  protected readonly memoryCache = new Map<string, Buffer>();
  protected readonly writeQueue = new WriteQueue<WriteRequest | typeof STOP>();
  /** _completion_callbacks: per operation, the callbacks of its waiters, until the notifier fires them. */
  protected readonly completionCallbacks = new Map<string, (() => void)[]>();
  protected readonly steps: StepRunner;
  protected readonly clock: Clock;
  protected readonly log: (message: string) => void;
  private readonly wake: WakeMode;
  private writer: Promise<void> | null = null;
  private notifier: Promise<void> | null = null;
  private notifierStopped = false;
  private readonly claimStatement: Database.Statement<[string, string, number]>;
  private readonly completeStatement: Database.Statement<[number, string]>;
  protected readonly statusStatement: Database.Statement<[string], { status: string }>;
  protected readonly resultStatement: Database.Statement<[string], { data: Buffer }>;
  private readonly insertStatement: Database.Statement<[string, Buffer, number, number]>;
  /** The statuses at which the notification thread fires callbacks (the write-ups': completed). */
  protected readonly firesOn: readonly OperationStatus[] = ['completed'];

  constructor(
    readonly db: Database.Database,
    options: StorageOptions = {},
  ) {
    this.steps = options.steps ?? directSteps;
    this.clock = options.clock ?? systemClock;
    this.log = options.log ?? (() => undefined);
    this.wake = options.wake ?? 'notifier';
    db.exec(STORAGE_SCHEMA);
    this.claimStatement = db.prepare("INSERT OR IGNORE INTO execution_state (operation_id, status, worker_id, updated_at) VALUES (?, 'running', ?, ?)");
    this.completeStatement = db.prepare("UPDATE execution_state SET status = 'completed', updated_at = ? WHERE operation_id = ?");
    this.statusStatement = db.prepare('SELECT status FROM execution_state WHERE operation_id = ?');
    this.resultStatement = db.prepare('SELECT data FROM results WHERE operation_id = ?');
    this.insertStatement = db.prepare('INSERT OR REPLACE INTO results (operation_id, data, size_bytes, created_at) VALUES (?, ?, ?, ?)');
  }

  /** Claims the operation for `workerId`; true when this caller won the claim and must execute it. */
  async markRunning(operationId: string, workerId: string): Promise<boolean> {
    const { changes } = await this.steps.step(
      STEP_WORDS.claim,
      () => this.claimStatement.run(operationId, workerId, this.clock.now()),
      (r) => (r.changes === 1 ? 'claimed' : 'already claimed'),
    );
    return changes === 1;
  }

  /** Hands the result to the background writer and returns at once (02986bf: no memory copy). */
  async store(operationId: string, data: Buffer): Promise<void> {
    await this.enqueue(operationId, data);
  }

  async markCompleted(operationId: string): Promise<void> {
    await this.steps.step(STEP_WORDS.markCompleted, () => this.completeStatement.run(this.clock.now(), operationId), () => 'ok');
  }

  async getStatus(operationId: string): Promise<OperationStatus> {
    return this.steps.step(STEP_WORDS.selectStatus, () => (this.statusStatement.get(operationId)?.status ?? 'none') as OperationStatus, statusText);
  }

  /** 02986bf's retrieve(): the result from SQLite, else from the memory cache; undefined when neither has it. */
  async retrieve(operationId: string): Promise<Buffer | undefined> {
    const row = await this.selectResult(operationId, false);
    if (row !== undefined) return row;
    return this.memoryGet(operationId, true);
  }

  /**
   * Waits until the operation is completed, then retrieves its result. The redesign: register a callback that
   * sets this waiter's event, wait on the event (the notification thread fires the callback), retrieve. The
   * seed's wait has a timeout; none is modelled here (a waiter is released under the driver only once the
   * notifier's step has fired its callback, and a notifier that fired a different number of callbacks than the
   * model would already have disagreed at that step). With `wake: 'poll'`: SELECT status until completed.
   */
  async waitForCompletion(operationId: string): Promise<Buffer> {
    if (this.wake === 'poll') {
      while ((await this.getStatus(operationId)) !== 'completed') await this.clock.sleep(POLL_INTERVAL_MS);
    } else {
      let set: () => void = () => undefined;
      const event = new Promise<void>((resolve) => (set = resolve));
      await this.steps.step(
        STEP_WORDS.register,
        () => {
          const callbacks = this.completionCallbacks.get(operationId) ?? [];
          callbacks.push(set);
          this.completionCallbacks.set(operationId, callbacks);
        },
        () => 'ok',
      );
      await this.steps.step(STEP_WORDS.wait, () => event, () => 'set');
    }
    const data = await this.retrieve(operationId);
    if (data === undefined) throw new ResultNotFoundError(operationId);
    return data;
  }

  /**
   * The notification thread (started once; the promise settles when it stops): sleep the poll interval, then
   * read the status of every operation that has callbacks and fire those of the completed ones, one step.
   */
  startNotifier(): Promise<void> {
    this.notifier ??= this.notifierLoop();
    return this.notifier;
  }

  private async notifierLoop(): Promise<void> {
    while (!this.notifierStopped) {
      await this.steps.step(
        STEP_WORDS.poll,
        async (): Promise<NotifierPoll | null> => {
          await this.clock.sleep(POLL_INTERVAL_MS);
          // close() may have come during the sleep: the connection is about to go, do not touch it.
          return this.notifierStopped ? null : this.pollCompletions();
        },
        (poll) => (poll === null ? 'stopped' : pollText(poll)),
      );
    }
  }

  /** One poll: fire (and drop) the callbacks of every operation whose status reads completed (or failed, in 2451df0). */
  private pollCompletions(): NotifierPoll {
    let fired = 0;
    let pending = 0;
    let status: OperationStatus = 'none';
    for (const [operationId, callbacks] of [...this.completionCallbacks]) {
      status = (this.statusStatement.get(operationId)?.status ?? 'none') as OperationStatus;
      if (!this.firesOn.includes(status)) {
        pending += callbacks.length;
        continue;
      }
      this.completionCallbacks.delete(operationId);
      for (const callback of callbacks) callback();
      fired += callbacks.length;
    }
    return { at: this.clock.now(), fired, pending, status };
  }

  /** Starts the writer loop (once) and returns the promise that settles when it stops. */
  startBackgroundWriter(): Promise<void> {
    this.writer ??= this.backgroundWriter();
    return this.writer;
  }

  /** Stops the notifier and the writer (after the requests already queued), then closes the connection. */
  async close(): Promise<void> {
    this.notifierStopped = true;
    if (this.notifier !== null) await this.notifier;
    if (this.writer !== null) {
      this.writeQueue.put(STOP);
      await this.writer;
    }
    this.db.close();
  }

  /** Inspection for observers and tests (not a step): whether the memory cache holds the result. */
  hasInMemory(operationId: string): boolean {
    return this.memoryCache.has(operationId);
  }

  /** Inspection (not a step): write requests queued and not yet taken by the writer. */
  get pendingWrites(): number {
    return this.writeQueue.size;
  }

  protected enqueue(operationId: string, data: Buffer): Promise<void> {
    return this.steps.step(STEP_WORDS.enqueue, () => this.writeQueue.put({ operationId, data }), () => 'queued');
  }

  protected memoryGet(operationId: string, last: boolean): Promise<Buffer | undefined> {
    return this.steps.step(STEP_WORDS.memoryGet, () => this.memoryCache.get(operationId), memoryText(last));
  }

  protected selectResult(operationId: string, last: boolean): Promise<Buffer | undefined> {
    return this.steps.step(STEP_WORDS.selectResult, () => this.resultStatement.get(operationId)?.data, rowText(last));
  }

  /** Called by the writer after its INSERT wrote the row. 02986bf does nothing more. */
  protected async afterWrite(_operationId: string): Promise<void> {}

  /**
   * The writer loop: take the next request and INSERT it, one step; a failed write is logged and the loop goes
   * on (the request is dropped: the seed's writer only logs the exception).
   */
  private async backgroundWriter(): Promise<void> {
    for (;;) {
      const turn = await this.steps.step(
        STEP_WORDS.write,
        async (): Promise<WriteTurn> => {
          const request = await this.writeQueue.get();
          if (request === STOP) return { kind: 'stopped' };
          try {
            const { changes } = this.insertStatement.run(request.operationId, request.data, request.data.length, this.clock.now());
            return { kind: 'wrote', operationId: request.operationId, changes };
          } catch (error) {
            if (!(error instanceof Database.SqliteError)) throw error;
            this.log(`background write of ${request.operationId} failed: ${error.code} ${error.message}`);
            return { kind: 'failed', code: error.code };
          }
        },
        writeTurnText,
      );
      if (turn.kind === 'stopped') return;
      if (turn.kind === 'wrote' && turn.changes > 0) await this.afterWrite(turn.operationId);
    }
  }
}

/** The seed-001 write-up's fix on 02986bf's code: a memory copy from store() until the row is written; retrieve() still reads SQLite first. */
export class DbFirstStorageBackend extends StorageBackend {
  override async store(operationId: string, data: Buffer): Promise<void> {
    // In memory first, so that retrieve() finds it as soon as store() returns.
    await this.steps.step(STEP_WORDS.memoryPut, () => void this.memoryCache.set(operationId, data), () => 'ok');
    await this.enqueue(operationId, data);
  }

  /** The row is in SQLite now: the memory copy can go. */
  protected override async afterWrite(operationId: string): Promise<void> {
    await this.steps.step(STEP_WORDS.evict, () => void this.memoryCache.delete(operationId), () => 'ok');
  }
}

/** The same fix with 2451df0's retrieve(): memory first, then SQLite. */
export class MemoryCacheStorageBackend extends DbFirstStorageBackend {
  override async retrieve(operationId: string): Promise<Buffer | undefined> {
    const cached = await this.memoryGet(operationId, false);
    if (cached !== undefined) return cached;
    return this.selectResult(operationId, true);
  }
}

/**
 * The table of futures of one process (2451df0's global futures table): the claimant registers a future for the
 * operation right after its claim, sets its result, and removes it; a thread that finds it awaits it instead of
 * waiting on the database. Every access is a step.
 */
export class OperationFutures {
  private readonly table = new Map<string, OperationFuture>();

  constructor(private readonly steps: StepRunner) {}

  get(operationId: string): Promise<OperationFuture | undefined> {
    return this.steps.step(STEP_WORDS.getFuture, () => this.table.get(operationId), (future) => (future === undefined ? 'none' : 'found'));
  }

  async register(operationId: string): Promise<OperationFuture> {
    const future = new OperationFuture();
    await this.steps.step(STEP_WORDS.setFuture, () => void this.table.set(operationId, future), () => 'ok');
    return future;
  }

  async remove(operationId: string): Promise<void> {
    await this.steps.step(STEP_WORDS.removeFuture, () => void this.table.delete(operationId), () => 'ok');
  }
}

/** concurrent.futures.Future, for one result. */
export class OperationFuture {
  private resolve: (value: Buffer) => void = () => undefined;
  readonly result: Promise<Buffer> = new Promise<Buffer>((resolve) => (this.resolve = resolve));

  set(value: Buffer): void {
    this.resolve(value);
  }
}

/**
 * What the harness may do around the synchronous persist, as one step: the fault persist-busy lets another
 * process take the write lock for the length of it. In production, nothing.
 */
export interface PersistFaults {
  aroundPersist<T>(insert: () => T): T;
}

export const NO_PERSIST_FAULTS: PersistFaults = { aroundPersist: (insert) => insert() };

/** 2451df0's synchronous path for executed results (see the file comment). */
export class PersistedStorageBackend extends MemoryCacheStorageBackend {
  protected override readonly firesOn: readonly OperationStatus[] = ['completed', 'failed'];
  private readonly persistStatement: Database.Statement<[string, Buffer, number, number]>;
  private readonly deleteStatement: Database.Statement<[string]>;

  constructor(
    db: Database.Database,
    options: StorageOptions = {},
    private readonly faults: PersistFaults = NO_PERSIST_FAULTS,
  ) {
    super(db, options);
    this.persistStatement = db.prepare('INSERT OR IGNORE INTO results (operation_id, data, size_bytes, created_at) VALUES (?, ?, ?, ?)');
    this.deleteStatement = db.prepare('DELETE FROM execution_state WHERE operation_id = ?');
  }

  /**
   * store(ensure_persisted=True): exists() first (nothing to do if it is stored); the memory copy; the INSERT at
   * once on the shared connection. An SQLite error (SQLITE_BUSY when another process holds the write lock past
   * the busy timeout) is logged and the memory copy kept.
   */
  async storePersisted(operationId: string, data: Buffer): Promise<void> {
    if ((await this.retrieveOnce(operationId)) !== undefined) return;
    await this.steps.step(STEP_WORDS.memoryPut, () => void this.memoryCache.set(operationId, data), () => 'ok');
    await this.steps.step(
      STEP_WORDS.persist,
      () => {
        try {
          const { changes } = this.faults.aroundPersist(() => this.persistStatement.run(operationId, data, data.length, this.clock.now()));
          return changes === 1 ? 'inserted' : 'ignored';
        } catch (error) {
          if (!(error instanceof Database.SqliteError)) throw error;
          this.log(`failed to store ${operationId} synchronously: ${error.code} ${error.message}`);
          return error.code;
        }
      },
      (outcome) => outcome,
    );
  }

  /** is_persistable(): whether the results table has the row. */
  async isPersistable(operationId: string): Promise<boolean> {
    return (await this.selectResult(operationId, false)) !== undefined;
  }

  /** SELECT status as 2451df0's wait reads it. */
  readStatus(operationId: string): Promise<OperationStatus> {
    return this.steps.step(STEP_WORDS.selectStatus, () => (this.statusStatement.get(operationId)?.status ?? 'none') as OperationStatus, (status) => status);
  }

  /** retrieve() without giving up on a miss (2451df0 deletes a stale completion after it). */
  private async retrieveOnce(operationId: string): Promise<Buffer | undefined> {
    const cached = await this.memoryGet(operationId, false);
    if (cached !== undefined) return cached;
    return this.selectResult(operationId, false);
  }

  /** exists() + retrieve() (nothing can take the result away in between on this path). */
  lookUp(operationId: string): Promise<Buffer | undefined> {
    return this.retrieveOnce(operationId);
  }

  /** 2451df0's wait_for_completion(allow_non_persistable=False). */
  override async waitForCompletion(operationId: string): Promise<Buffer> {
    const stored = await this.retrieveOnce(operationId);
    if (stored !== undefined) return stored;
    const copy = await this.memoryGet(operationId, false);
    if (copy !== undefined) return copy;
    if ((await this.readStatus(operationId)) === 'running') throw new RunningElsewhereError(`Operation ${operationId} is running but may produce non-persistable result`);
    if ((await this.readStatus(operationId)) === 'failed') throw new OperationFailedError(`Operation ${operationId} failed`);
    let set: () => void = () => undefined;
    const event = new Promise<void>((resolve) => (set = resolve));
    await this.steps.step(
      STEP_WORDS.register,
      () => {
        const callbacks = this.completionCallbacks.get(operationId) ?? [];
        callbacks.push(set);
        this.completionCallbacks.set(operationId, callbacks);
      },
      () => 'ok',
    );
    await this.steps.step(STEP_WORDS.wait, () => event, () => 'set');
    if ((await this.readStatus(operationId)) === 'failed') throw new OperationFailedError(`Operation ${operationId} failed`);
    const data = await this.retrieveOnce(operationId);
    if (data !== undefined) return data;
    await this.steps.step(STEP_WORDS.deleteClaim, () => this.deleteStatement.run(operationId).changes, (deleted) => `deleted ${deleted}`);
    throw new StaleCompletionError(`Operation ${operationId} had stale completion state - cleaned up for retry`);
  }

  /** The goal, once the computation is over: exists() and retrieve(), else "Missing computed result". */
  async resultForGoal(operationId: string): Promise<Buffer> {
    const data = await this.retrieveOnce(operationId);
    if (data === undefined) throw new MissingResultError(`Missing computed result for goal operation ${operationId}`);
    return data;
  }
}
