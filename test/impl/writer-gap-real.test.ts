// The VoxLogicA storage backend (seed 001) as real code: on the production path (no gates, the real clock, the
// writer loop running freely) three workers and a reader share one backend; the full disk of the fault
// write-fails; and the lock-step run's own contracts (one record per step, cleanup, refusals).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ExecutionSession } from '../../impl/writer-gap/execution-session.js';
import { LockStepActors } from '../../impl/writer-gap/step-runner.js';
import { MemoryCacheStorageBackend } from '../../impl/writer-gap/storage-backend.js';
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
  for (const Backend of [MemoryCacheStorageBackend]) {
    it(`${Backend.name}, production path: three workers and a reader share one backend; one computes, all get the result, the row is durable`, async () => {
      const file = path.join(parentDir, `${Backend.name}.db`);
      const backend = new Backend(new Database(file));
      void backend.startBackgroundWriter();
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

  it('lock-step run: each step records exactly one action; the reader waits and is released later', async () => {
    const run = await openWriterGapRun({ variant: 'memory-cache', workers: 1, fault: 'none', parentDir });
    try {
      assert.deepEqual(run.actors, ['worker-0', 'writer', 'reader', 'restart']);
      assert.equal((await run.step(2)).outcome, 'none, waits');
      assert.equal(run.observe().callers[1]!.status, 'waiting');
      const steps = [];
      for (const actor of [0, 0, 0, 0, 2, 2, 1, 1, 3]) steps.push(await run.step(actor));
      assert.deepEqual(
        steps.map((s) => `${s.actor} ${s.action} -> ${s.outcome}`),
        [
          'worker-0 INSERT OR IGNORE execution_state -> claimed',
          'worker-0 memory put -> ok',
          'worker-0 enqueue write -> queued',
          'worker-0 UPDATE status = completed -> ok',
          'reader SELECT status -> completed',
          'reader memory get -> hit',
          'writer dequeue, INSERT result -> 1 row',
          'writer memory evict -> ok',
          'restart restart, reopen, retrieve -> completed, row',
        ],
      );
      const end = run.observe();
      assert.deepEqual(end.restart, { status: 'completed', resultRow: true });
      assert.ok(run.actors.every((_, a) => run.finished(a)));
      await assert.rejects(run.step(0), /has finished/);
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
    assert.equal(readdirSync(parentDir).length, before);
    assert.deepEqual(readdirSync(parentDir).filter((n) => n.startsWith('lockstep-')), [], 'no run directory left behind');
  });
});
