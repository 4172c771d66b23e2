// The interpreter's storage backends and execution sessions (seed 000, VoxLogicA-2) on real SQLite: the
// production path (no gate, wall clock, real timers: the code as an application would run it), the lock-step
// runner's virtual time, and the lock-step run's bookkeeping and clean-up.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { LockStepGates } from '../../impl/gate/step-gate.js';
import { ExecutionSession, ExistsFirstExecutionSession, FailFastExecutionSession, FixedExecutionSession } from '../../impl/lifecycle/execution-session.js';
import { openLifecycleRun, type LifecycleRunOptions } from '../../impl/lifecycle/lifecycle.real-engine.js';
import { CompletionEvent, DirectStepRunner, LockStepRunner, VirtualClock } from '../../impl/lifecycle/step-runner.js';
import {
  EventStorageBackend,
  ExistsFirstStorageBackend,
  FailFastStorageBackend,
  LIFECYCLE_SCHEMA,
  OperationFailedError,
  OperationTimeoutError,
  ProcessMemory,
  RunningElsewhereError,
  StaleCompletionError,
  StorageBackend,
} from '../../impl/lifecycle/storage-backend.js';

const OP = 'op-test';

describe('impl/lifecycle on real SQLite', function () {
  this.timeout(60_000);
  let parentDir = '';
  let handles: Database.Database[] = [];

  before(() => {
    parentDir = mkdtempSync(path.join(tmpdir(), 'lifecycle-real-test-'));
  });
  afterEach(() => {
    for (const db of handles) if (db.open) db.close();
    handles = [];
  });
  after(() => {
    rmSync(parentDir, { recursive: true, force: true });
  });

  /** A fresh database file with the schema, and a way to open more connections to it. */
  function database(): () => Database.Database {
    const file = path.join(mkdtempSync(path.join(parentDir, 'prod-')), 'voxlogica.db');
    const connect = (): Database.Database => {
      const db = new Database(file);
      handles.push(db);
      return db;
    };
    connect().exec(LIFECYCLE_SCHEMA);
    return connect;
  }

  describe('production path (DirectStepRunner, real timers)', () => {
    it('fixed: three sessions on one operation: one executes, the loser is woken by the notification thread and gets the result', async () => {
      const connect = database();
      const memory = new ProcessMemory();
      const steps = new DirectStepRunner();
      const executed: string[] = [];
      const compute = (name: string) => (op: string) => {
        executed.push(name);
        return `result of ${op}`;
      };
      const notifier = new StorageBackend(connect(), steps, memory, { pollMs: 5 });
      const notifying = notifier.runNotifier();
      let waits = 0;
      class CountingBackend extends StorageBackend {
        override waitForCompletion(operationId: string, timeoutMs: number): Promise<string> {
          waits++;
          return super.waitForCompletion(operationId, timeoutMs);
        }
      }
      const sessions = ['a', 'b', 'c'].map((name) => new FixedExecutionSession(new CountingBackend(connect(), steps, memory), steps, compute(name), name, undefined, 10_000));
      const results = await Promise.all(sessions.map((s) => s.executeOperation(OP)));
      notifier.stopNotifier();
      await notifying;
      assert.deepEqual(results, [`result of ${OP}`, `result of ${OP}`, `result of ${OP}`]);
      assert.equal(executed.length, 1);
      assert.equal(waits, 2, 'both losers read the claim running and waited for the notifier');
      const row = connect().prepare('SELECT status, claimed_by FROM execution_state WHERE operation_id = ?').get(OP) as { status: string; claimed_by: string };
      assert.equal(row.status, 'completed');
      assert.equal(row.claimed_by, executed[0]);
    });

    it("the write-up's path (no mark_completed): a loser waits out its timeout although the result is stored", async () => {
      const connect = database();
      const memory = new ProcessMemory();
      const steps = new DirectStepRunner();
      const notifier = new StorageBackend(connect(), steps, memory, { pollMs: 5 });
      const notifying = notifier.runNotifier();
      const session = (name: string) => new ExecutionSession(new StorageBackend(connect(), steps, memory), steps, (op) => `result of ${op}`, name, undefined, 50);
      const [winner, loser] = await Promise.allSettled([session('a').executeOperation(OP), session('b').executeOperation(OP)]);
      notifier.stopNotifier();
      await notifying;
      assert.equal(winner.status, 'fulfilled');
      assert.equal(loser.status, 'rejected');
      assert.ok((loser as PromiseRejectedResult).reason instanceof OperationTimeoutError);
      const db = connect();
      assert.equal((db.prepare('SELECT status FROM execution_state WHERE operation_id = ?').get(OP) as { status: string }).status, 'running');
      assert.equal((db.prepare('SELECT count(*) AS n FROM results').get() as { n: number }).n, 1);
    });

    it('first design: store() wakes the waiter on the event; a later waiter, after the cleanup, waits on a fresh event and times out', async () => {
      const connect = database();
      const memory = new ProcessMemory();
      const steps = new DirectStepRunner();
      const waiter = new EventStorageBackend(connect(), steps, memory);
      const writer = new EventStorageBackend(connect(), steps, memory);
      const waiting = waiter.waitForCompletion(OP, 10_000);
      await Promise.resolve();
      await writer.store(OP, 'data');
      assert.equal(await waiting, 'data');
      assert.equal(memory.events.size, 0, 'the waiter removed the event in its finally block');
      await assert.rejects(new EventStorageBackend(connect(), steps, memory).waitForCompletion(OP, 30), OperationTimeoutError);
    });

    it("02986bf's wait with the fix: a loser registers, the notification thread wakes it; a caller after the store returns at once without registering", async () => {
      const connect = database();
      const memory = new ProcessMemory();
      const steps = new DirectStepRunner();
      const notifier = new ExistsFirstStorageBackend(connect(), steps, memory, { pollMs: 5 });
      const notifying = notifier.runNotifier();
      const executed: string[] = [];
      const session = (name: string) =>
        new ExistsFirstExecutionSession(new ExistsFirstStorageBackend(connect(), steps, memory), { steps, compute: (op) => (executed.push(name), `result of ${op}`), workerId: name, waitTimeoutMs: 10_000 }, true);
      const results = await Promise.all(['a', 'b', 'c'].map((name) => session(name).executeOperation(OP)));
      assert.deepEqual(results, Array.from({ length: 3 }, () => `result of ${OP}`));
      assert.equal(executed.length, 1);
      assert.equal(memory.completionCallbacks.size, 0, 'no callback left behind');
      // A waiter that comes after the store: exists() answers, nothing is registered.
      assert.equal(await new ExistsFirstStorageBackend(connect(), steps, memory).waitForCompletion(OP, 10), `result of ${OP}`);
      assert.equal(memory.completionCallbacks.size, 0);
      notifier.stopNotifier();
      await notifying;
    });

    it("02986bf without the fix: a loser's wait times out and its finally removes its callback", async () => {
      const connect = database();
      const memory = new ProcessMemory();
      const steps = new DirectStepRunner();
      const session = (name: string) => new ExistsFirstExecutionSession(new ExistsFirstStorageBackend(connect(), steps, memory), { steps, compute: (op) => `result of ${op}`, workerId: name, waitTimeoutMs: 30 }, false);
      const [winner, loser] = await Promise.allSettled([session('a').executeOperation(OP), session('b').executeOperation(OP)]);
      assert.equal(winner.status, 'fulfilled');
      assert.ok((loser as PromiseRejectedResult).reason instanceof OperationTimeoutError);
      assert.equal(memory.completionCallbacks.size, 0);
    });

    it("upstream's cleanup marks old running claims failed (only them); a later process then raises at once and never claims the operation", async () => {
      const connect = database();
      const db = connect();
      const insert = db.prepare("INSERT INTO execution_state VALUES (?, ?, 'w', ?)");
      const now = Date.now();
      insert.run(OP, 'running', now - 10_000);
      insert.run('new-running', 'running', now);
      insert.run('old-completed', 'completed', now - 10_000);
      const steps = new DirectStepRunner();
      const later = new ExistsFirstStorageBackend(connect(), steps, new ProcessMemory(), { staleMs: 5_000 });
      assert.equal(await later.failStaleClaims(), 1);
      const rows = db.prepare('SELECT operation_id, status FROM execution_state ORDER BY operation_id').all() as { operation_id: string; status: string }[];
      assert.deepEqual(rows.map((r) => `${r.operation_id}:${r.status}`), ['new-running:running', 'old-completed:completed', `${OP}:failed`]);
      let executed = 0;
      const session = new ExistsFirstExecutionSession(later, { steps, compute: (op) => (executed++, op), workerId: 'later' }, true);
      await assert.rejects(session.executeOperation(OP), (e: unknown) => e instanceof OperationFailedError && /Operation failed: Cleanup: execution timed out/.test(e.message));
      assert.equal(executed, 0, 'a failed row is never claimed again');
    });

    it("2451df0's wait: a running row in another process raises at once; a completed row without a result is deleted and raises, and the next process executes", async () => {
      const connect = database();
      const steps = new DirectStepRunner();
      const db = connect();
      db.prepare("INSERT INTO execution_state VALUES (?, 'running', 'elsewhere', ?)").run(OP, Date.now());
      const process = () => new FailFastStorageBackend(connect(), steps, new ProcessMemory(), { pollMs: 5 });
      await assert.rejects(process().waitForCompletion(OP, 10_000), RunningElsewhereError);
      db.prepare("UPDATE execution_state SET status = 'completed' WHERE operation_id = ?").run(OP);
      const waiter = process();
      const polling = waiter.runNotifier();
      await assert.rejects(waiter.waitForCompletion(OP, 10_000), StaleCompletionError);
      waiter.stopNotifier();
      await polling;
      assert.equal((db.prepare('SELECT count(*) AS n FROM execution_state').get() as { n: number }).n, 0, 'the row was deleted');
      const next = new FailFastExecutionSession(process(), { steps, compute: (op) => `result of ${op}`, workerId: 'next' });
      assert.equal(await next.executeOperation(OP), `result of ${OP}`);
      assert.equal((db.prepare('SELECT status FROM execution_state WHERE operation_id = ?').get(OP) as { status: string }).status, 'completed');
    });

    it('cleanupStaleClaims deletes running claims older than the threshold only', async () => {
      const connect = database();
      const db = connect();
      const insert = db.prepare("INSERT INTO execution_state VALUES (?, ?, 'w', ?)");
      const now = Date.now();
      insert.run('old-running', 'running', now - 10_000);
      insert.run('new-running', 'running', now);
      insert.run('old-completed', 'completed', now - 10_000);
      const deleted = await new StorageBackend(connect(), new DirectStepRunner(), new ProcessMemory(), { staleMs: 5_000 }).cleanupStaleClaims();
      assert.equal(deleted, 1);
      const left = db.prepare('SELECT operation_id FROM execution_state ORDER BY operation_id').all() as { operation_id: string }[];
      assert.deepEqual(left.map((r) => r.operation_id), ['new-running', 'old-completed']);
    });
  });

  describe('LockStepRunner (virtual time)', () => {
    it('a wait picked while its event is unset has timed out: the clock moves to its deadline; a set event wakes it with no time passing', async () => {
      const clock = new VirtualClock();
      const gates = new LockStepGates(['a', 'b']);
      const a = new LockStepRunner(gates.gate(0), clock);
      const b = new LockStepRunner(gates.gate(1), clock);
      const unset = new CompletionEvent();
      const set = new CompletionEvent();
      await gates.start(0, () => a.waitFor('check event', unset, 300_000));
      await gates.start(1, () => b.sleepThen(100, 'poll', () => set.set()));
      await gates.step(1);
      assert.equal(clock.now, 100);
      await gates.step(0);
      assert.equal(gates.value(0), false);
      assert.equal(clock.now, 300_000);
      assert.deepEqual(a.records, [{ action: 'check event', outcome: 'timed out at t=300s' }]);
      const gatesC = new LockStepGates(['c']);
      const c = new LockStepRunner(gatesC.gate(0), clock);
      assert.equal(c.now(), 300_000);
      await gatesC.start(0, () => c.waitFor('check event', set, 1));
      await gatesC.step(0);
      assert.equal(gatesC.value(0), true);
      assert.equal(clock.now, 300_000);
    });
  });

  describe('the lock-step run', () => {
    const options = (variant: LifecycleRunOptions['variant'], fault: LifecycleRunOptions['fault'] = 'none'): LifecycleRunOptions => ({
      variant,
      workers: 2,
      lateWaiters: 1,
      fault,
      waitTimeoutMs: 300_000,
      pollMs: 100,
      staleMs: 3_600_000,
      stallMs: 3_700_000,
      parentDir,
    });

    it('the notifier counts as finished once every other actor has, and a finished actor cannot step', async () => {
      const run = await openLifecycleRun(options('fixed'));
      try {
        assert.deepEqual(run.actors, ['worker-0', 'worker-1', 'late-waiter', 'notifier']);
        for (const actor of [0, 0, 0, 0, 0, 0]) await run.step(actor);
        assert.equal(run.finished(0), true);
        await assert.rejects(run.step(0), /worker-0 cannot step: it has finished/);
        await run.step(1);
        await run.step(2);
        assert.equal(run.finished(3), false);
        const poll = await run.step(3);
        assert.deepEqual(poll, { actor: 'notifier', action: 'poll', outcome: 'completed at t=0.1s: fired 1 callback' });
        await run.step(2);
        await run.step(2);
        assert.equal(run.finished(3), true);
        assert.deepEqual(run.observe().actors.map((a) => a.status), ['done', 'done', 'done']);
      } finally {
        await run.close();
      }
    });

    it('fail-fast: every actor a process with a notifier of its own; a later process of a fault has its own notifier too', async () => {
      const run = await openLifecycleRun(options('fail-fast'));
      try {
        assert.deepEqual(run.actors, ['worker-0', 'worker-1', 'late-waiter', 'notifier-0', 'notifier-1', 'notifier-2']);
      } finally {
        await run.close();
      }
      const faulty = await openLifecycleRun({ ...options('exists-first', 'crash-after-claim'), lateWorkers: 2 });
      try {
        assert.deepEqual(faulty.actors, ['worker-0', 'worker-1', 'late-worker-0', 'late-worker-1', 'notifier', 'late-notifier-0', 'late-notifier-1']);
      } finally {
        await faulty.close();
      }
    });

    it('close() removes the run directory, is idempotent, and the last observation stands', async () => {
      const run = await openLifecycleRun(options('event-cleanup', 'crash-after-claim'));
      assert.ok(existsSync(run.dir));
      await run.step(0);
      await run.close();
      await run.close();
      assert.equal(existsSync(run.dir), false);
      assert.equal(run.observe().status, 'none');
      await assert.rejects(run.step(0), /closed/);
    });

    it('bad parameters are refused before anything is created', async () => {
      await assert.rejects(openLifecycleRun({ ...options('fixed'), workers: 0 }), /workers must be a positive integer/);
      await assert.rejects(openLifecycleRun({ ...options('fixed'), variant: 'nope' as never }), /variant must be/);
      await assert.rejects(openLifecycleRun({ ...options('fixed'), fault: 'nope' as never }), /fault must be/);
      await assert.rejects(openLifecycleRun({ ...options('fixed'), cleanup: 'nope' as never }), /cleanup must be/);
      await assert.rejects(openLifecycleRun({ ...options('fixed'), start: 'nope' as never }), /start must be/);
      await assert.rejects(openLifecycleRun({ ...options('fixed'), lateWorkers: 0 }), /lateWorkers must be/);
    });

    it('no lockstep-* directory is left behind by this suite', () => {
      assert.deepEqual(readdirSync(parentDir).filter((name) => name.startsWith('lockstep-')), []);
    });
  });
});
