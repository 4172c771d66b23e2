/**
 * impl/async/worker-pool.ts: lock-step worker threads kept from run to run. A thread that finished its run serves
 * the next one from scratch; a run closed half-way aborts its threads (their gates throw, their programs unwind)
 * and they serve again; idle threads are gone after the idle time; nothing keeps the process alive.
 */
import assert from 'node:assert/strict';
import { openLostUpdateThreadsRun } from '../../impl/lost-update/lost-update-threads.real-engine.js';
import { openSingletonThreadsRun } from '../../impl/singleton/singleton-threads.real-engine.js';
import { WorkerPool } from '../../impl/async/worker-pool.js';

describe('impl/async/worker-pool', function () {
  this.timeout(60_000);

  it('threads given back after a whole run and after a run closed half-way serve the next run from scratch', async () => {
    const whole = async () => {
      const run = await openLostUpdateThreadsRun({ tasks: 2, hosts: 1, guard: 'unguarded', body: 'sync' });
      try {
        for (const actor of [0, 1, 0, 1]) await run.step(actor);
        return run.observe();
      } finally {
        await run.close();
      }
    };
    const first = await whole();
    assert.deepEqual(first.failures, { 'host-a': 1 }, 'the lost update of the schedule [0,1,0,1]');
    const partial = await openLostUpdateThreadsRun({ tasks: 2, hosts: 1, guard: 'unguarded', body: 'sync' });
    await partial.step(0);
    await partial.close();
    assert.deepEqual(await whole(), first, 'a run after a run closed half-way starts from nothing');
  });

  it('a thread whose getter raised serves again, and a run aborted while a thread waits for the lock ends cleanly', async () => {
    for (let round = 0; round < 2; round++) {
      const run = await openSingletonThreadsRun({ tasks: 3, lock: 'asyncio' });
      try {
        assert.equal((await run.step(0)).outcome, 'acquired');
        assert.equal((await run.step(1)).outcome, "held by task-0, waits (binds the lock to task-1's loop)");
        assert.equal((await run.step(2)).outcome, "RuntimeError: the lock is bound to task-1's loop");
        assert.equal(run.observe().tasks[2]?.status, 'failed');
      } finally {
        await run.close();
      }
    }
  });

  it('idle workers are terminated after the idle time, and drain() ends them at once', async () => {
    const url = new URL('../../impl/leaked-transaction/leaked-transaction-thread.worker.js', import.meta.url);
    const pool = new WorkerPool(url, 50);
    const worker = pool.borrow();
    const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
    await pool.giveBack(worker, true);
    assert.equal(pool.idleCount, 1);
    await exited;
    assert.equal(pool.idleCount, 0);
    const again = pool.borrow();
    await pool.giveBack(again, true);
    await pool.drain();
    assert.equal(pool.idleCount, 0);
  });
});
