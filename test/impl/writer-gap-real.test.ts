// The VoxLogicA storage backend (seed 001) as real code: on the production path (no gates, the real clock, the
// writer loop and the notification thread running freely, or the waiters polling) three workers and a reader
// share one backend; the full disk of the fault write-fails; and the lock-step run's own contracts (one record
// per step, the notifier on virtual time, cleanup, refusals).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ExecutionSession, PersistedExecutionSession } from '../../impl/writer-gap/execution-session.js';
import { directSteps, LockStepActors } from '../../impl/writer-gap/step-runner.js';
import { MemoryCacheStorageBackend, OperationFailedError, OperationFutures, PersistedStorageBackend } from '../../impl/writer-gap/storage-backend.js';
import { OPERATION_ID, openWriterGapRun } from '../../impl/writer-gap/writer-gap.real-engine.js';

let parentDir = '';
const image = (): Buffer => Buffer.alloc(16_384, 0x2a);

describe('impl/writer-gap: the storage backend with a background writer', function () {
  this.timeout(60_000);

  before(() => {
    parentDir = mkdtempSync(path.join(tmpdir(), 'writer-gap-real-test-'));
  });
  after(() => {
    rmSync(parentDir, { recursive: true, force: true });
  });

  // Only the fix that holds in every interleaving runs free here; the buggy ones are shown by schedules.
  for (const wake of ['notifier', 'poll'] as const) {
    const Backend = MemoryCacheStorageBackend;
    it(`${Backend.name} (wake ${wake}), production path: three workers and a reader share one backend; one computes, all get the result, the row is durable`, async () => {
      const file = path.join(parentDir, `${Backend.name}-${wake}.db`);
      const backend = new Backend(new Database(file), { wake });
      void backend.startBackgroundWriter();
      if (wake === 'notifier') void backend.startNotifier();
      let computed = 0;
      const compute = (): Buffer => {
        computed++;
        return image();
      };
      const results = await Promise.all([
        ...['w0', 'w1', 'w2'].map((id) => new ExecutionSession(backend, id).executeOperation(OPERATION_ID, compute)),
        new ExecutionSession(backend, 'reader').awaitResult(OPERATION_ID),
      ]);
      await backend.close();
      for (const r of results) assert.deepEqual(r, image());
      assert.equal(computed, 1, 'deduplicated: one computation');
      const reopened = new Backend(new Database(file));
      assert.equal(await reopened.getStatus(OPERATION_ID), 'completed');
      assert.deepEqual(await reopened.retrieve(OPERATION_ID), image(), 'after a restart the row is there');
      await reopened.close();
    });
  }

  it('a full disk: the background write fails with SQLITE_FULL and is logged; readers are served from memory; a restart finds no row', async () => {
    const file = path.join(parentDir, 'full.db');
    const db = new Database(file);
    const logged: string[] = [];
    const backend = new MemoryCacheStorageBackend(db, { log: (m) => logged.push(m) });
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
    void backend.startBackgroundWriter();
    await new ExecutionSession(backend, 'w0').executeOperation(OPERATION_ID, image);
    await backend.close();
    assert.equal(logged.length, 1);
    assert.match(logged[0]!, /SQLITE_FULL/);
    assert.ok(backend.hasInMemory(OPERATION_ID), 'the copy stayed in memory');
    const reopened = new MemoryCacheStorageBackend(new Database(file));
    assert.equal(await reopened.getStatus(OPERATION_ID), 'completed');
    assert.equal(await reopened.retrieve(OPERATION_ID), undefined, 'completed, but the result is gone');
    await reopened.close();
  });

  it("2451df0's synchronous path, production: three workers on one backend; one computes, the others await its future; the row is durable and completed", async () => {
    const file = path.join(parentDir, 'persisted.db');
    const backend = new PersistedStorageBackend(new Database(file));
    const futures = new OperationFutures(directSteps);
    let computed = 0;
    const compute = (): Buffer => {
      computed++;
      return image();
    };
    const results = await Promise.all(['w0', 'w1', 'w2'].map((id) => new PersistedExecutionSession(backend, futures, directSteps, id).executeOperation(OPERATION_ID, compute)));
    assert.equal(await new PersistedExecutionSession(backend, futures, directSteps, 'goal').awaitResult(OPERATION_ID).then((r) => r.length), image().length);
    await backend.close();
    for (const r of results) assert.deepEqual(r, image());
    assert.equal(computed, 1);
    const reopened = new PersistedStorageBackend(new Database(file));
    assert.equal(await reopened.readStatus(OPERATION_ID), 'completed');
    assert.deepEqual(await reopened.lookUp(OPERATION_ID), image());
    await reopened.close();
  });

  it('a persist that meets another connection\'s write lock gets SQLITE_BUSY: logged, served from memory, left running; an engine start past the threshold marks it failed, and a later run raises at once', async () => {
    const file = path.join(parentDir, 'persist-busy.db');
    const db = new Database(file, { timeout: 0 });
    const other = new Database(file, { timeout: 0 });
    const logged: string[] = [];
    const holdLock = {
      aroundPersist<T>(insert: () => T): T {
        other.exec('BEGIN IMMEDIATE');
        try {
          return insert();
        } finally {
          other.exec('ROLLBACK');
        }
      },
    };
    const backend = new PersistedStorageBackend(db, { log: (m) => logged.push(m) }, holdLock);
    const futures = new OperationFutures(directSteps);
    assert.deepEqual(await new PersistedExecutionSession(backend, futures, directSteps, 'w0').executeOperation(OPERATION_ID, image), image());
    assert.equal(logged.length, 1);
    assert.match(logged[0]!, /SQLITE_BUSY/);
    assert.deepEqual(await new PersistedExecutionSession(backend, futures, directSteps, 'goal').awaitResult(OPERATION_ID), image(), 'the goal is served from memory');
    assert.equal(await backend.readStatus(OPERATION_ID), 'running', 'never marked completed');
    await backend.close();
    other.close();
    // The next engine start, an hour later: upstream's cleanup marks the old running row failed.
    const later = new Database(file);
    later.prepare("UPDATE execution_state SET status = 'failed' WHERE status = 'running' AND updated_at < ?").run(Date.now() + 1);
    const restarted = new PersistedStorageBackend(later);
    let computed = 0;
    await assert.rejects(
      new PersistedExecutionSession(restarted, new OperationFutures(directSteps), directSteps, 'next-run').executeOperation(OPERATION_ID, () => (computed++, image())),
      OperationFailedError,
    );
    assert.equal(computed, 0, 'a failed row is never claimed again');
    await restarted.close();
  });

  it('lock-step run: each step records exactly one action; the reader registers its callback, the notifier fires it at t=0.1s', async () => {
    const run = await openWriterGapRun({ variant: 'memory-cache', workers: 1, fault: 'none', parentDir });
    try {
      assert.deepEqual(run.actors, ['worker-0', 'writer', 'reader', 'restart', 'notifier']);
      assert.equal((await run.step(2)).action, 'register callback');
      assert.equal(run.observe().callers[1]!.status, 'waiting');
      const steps = [];
      for (const actor of [0, 0, 0, 0, 4, 2, 2, 1, 1, 3]) steps.push(await run.step(actor));
      assert.deepEqual(
        steps.map((s) => `${s.actor} ${s.action} -> ${s.outcome}`),
        [
          'worker-0 INSERT OR IGNORE execution_state -> claimed',
          'worker-0 memory put -> ok',
          'worker-0 enqueue write -> queued',
          'worker-0 UPDATE status = completed -> ok',
          'notifier poll -> completed at t=0.1s: fired 1 callback',
          'reader wait on event -> set',
          'reader memory get -> hit',
          'writer dequeue, INSERT result -> 1 row',
          'writer memory evict -> ok',
          'restart restart, reopen, retrieve -> completed, row',
        ],
      );
      const end = run.observe();
      assert.deepEqual(end.restart, { status: 'completed', resultRow: true, afterRun: true });
      assert.ok(run.actors.every((_, a) => run.finished(a)));
      await assert.rejects(run.step(0), /has finished/);
    } finally {
      await run.close();
    }
  });

  it('lock-step run with --wake poll: no notifier; the reader polls, sees running and waits', async () => {
    const run = await openWriterGapRun({ variant: 'memory-cache', workers: 1, fault: 'none', wake: 'poll', parentDir });
    try {
      assert.deepEqual(run.actors, ['worker-0', 'writer', 'reader', 'restart']);
      assert.equal((await run.step(2)).outcome, 'none, waits');
      assert.equal(run.observe().callers[1]!.status, 'waiting');
    } finally {
      await run.close();
    }
  });

  it('a poll of the notifier that finds the operation still running fires nothing and leaves the callback registered', async () => {
    const run = await openWriterGapRun({ variant: 'queued', workers: 1, fault: 'none', parentDir });
    try {
      await run.step(2); // reader: register callback
      await run.step(0); // worker-0 claims: running
      assert.equal((await run.step(4)).outcome, 'running at t=0.1s: 1 pending');
      assert.equal(run.observe().callers[1]!.status, 'waiting');
      await run.step(0);
      await run.step(0); // worker-0: enqueue, mark completed
      assert.equal((await run.step(4)).outcome, 'completed at t=0.2s: fired 1 callback');
    } finally {
      await run.close();
    }
  });

  it('a step taken outside any actor of the run is refused', async () => {
    const actors = new LockStepActors(['a']);
    await assert.rejects(actors.step('memory get', () => 1), /outside any actor/);
  });

  it('close() removes the run directory and is idempotent; bad options are refused before anything is created', async () => {
    const run = await openWriterGapRun({ variant: 'queued', workers: 2, fault: 'write-fails', parentDir });
    assert.ok(existsSync(run.dir));
    await run.close();
    await run.close();
    assert.ok(!existsSync(run.dir));
    const before = readdirSync(parentDir).length;
    await assert.rejects(openWriterGapRun({ variant: 'nope' as 'queued', workers: 2, fault: 'none', parentDir }), /variant/);
    await assert.rejects(openWriterGapRun({ variant: 'queued', workers: 0, fault: 'none', parentDir }), /workers/);
    await assert.rejects(openWriterGapRun({ variant: 'queued', workers: 1, fault: 'none', wake: 'nope' as 'poll', parentDir }), /wake/);
    assert.equal(readdirSync(parentDir).length, before);
    assert.deepEqual(readdirSync(parentDir).filter((n) => n.startsWith('lockstep-')), [], 'no run directory left behind');
  });
});
