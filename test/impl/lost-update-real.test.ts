// The per-host circuit breaker of seed 004 as real async code: under the plain event loop (no driver, the
// production gate) concurrent penalties of one host really lose failures when unguarded and all count when
// locked; under the lock-step driver every complete schedule takes the model's steps and ends in the model's
// observation. The same for the thread form (worker threads over a SharedArrayBuffer, a ticket lock).
import assert from 'node:assert/strict';
import { DirectSteps } from '../../impl/async/task-steps.js';
import { HostTable, penalizeFromTask, penalizeHostLocked, penalizeHostSync, penalizeHostUnguarded, penaltyFor, RunMetrics } from '../../impl/lost-update/host-penalties.js';
import { openLostUpdateRun } from '../../impl/lost-update/lost-update.real-engine.js';
import { openLostUpdateThreadsRun } from '../../impl/lost-update/lost-update-threads.real-engine.js';
import { SharedHostTable } from '../../impl/lost-update/shared-host-table.js';
import { createLostUpdateModel } from '../../spec/lost-update/lost-update.model.js';
import { everySchedule, modelRun } from './every-schedule.js';

async function penalizeConcurrently(guard: 'unguarded' | 'locked', tasks: number) {
  const table = new HostTable();
  const metrics = new RunMetrics();
  const penalize = guard === 'locked' ? penalizeHostLocked : penalizeHostUnguarded;
  await Promise.all(
    Array.from({ length: tasks }, (_, i) => {
      const steps = new DirectSteps(`task-${i}`);
      return penalize(table, 'host-a', steps, metrics.forTask(steps));
    }),
  );
  return { state: table.hosts.get('host-a'), reported: metrics.events.length };
}

describe('impl/lost-update: the real async circuit breaker', function () {
  this.timeout(60_000);

  it('the penalty doubles per failure from 30 s and stops at 900 s', () => {
    assert.deepEqual([1, 2, 3, 5, 6, 10].map(penaltyFor), [30, 60, 120, 480, 900, 900]);
  });

  it('plain event loop, 3 concurrent penalties of one host: unguarded counts 1 failure (2 lost), though 3 were reported', async () => {
    assert.deepEqual(await penalizeConcurrently('unguarded', 3), { state: { failures: 1, penaltySeconds: 30 }, reported: 3 });
  });

  it('plain event loop, 3 concurrent penalties of one host with the synchronous body (upstream): all 3 count, with no lock', async () => {
    const table = new HostTable();
    await Promise.all(Array.from({ length: 3 }, (_, i) => penalizeFromTask(new DirectSteps(`task-${i}`), 'host-a', () => penalizeHostSync(table, 'host-a'), false)));
    assert.deepEqual(table.hosts.get('host-a'), { failures: 3, penaltySeconds: 120 });
  });

  it('plain event loop, 3 concurrent penalties of one host: locked counts all 3', async () => {
    assert.deepEqual(await penalizeConcurrently('locked', 3), { state: { failures: 3, penaltySeconds: 120 }, reported: 3 });
  });

  for (const guard of ['unguarded', 'locked'] as const) {
    for (const [tasks, hosts] of [[2, 1], [3, 2]] as const) {
      it(`lock-step, ${guard}, ${tasks} tasks on ${hosts} host(s): every complete schedule agrees with the model step by step and in the end`, async () => {
        const model = createLostUpdateModel({ tasks, hosts, guard });
        const schedules = everySchedule(model);
        assert.ok(schedules.length > 1);
        for (const schedule of schedules) {
          const expected = modelRun(model, schedule);
          const run = await openLostUpdateRun({ tasks, hosts, guard });
          try {
            const records = [];
            for (const actor of schedule) records.push(await run.step(actor));
            assert.deepEqual(records, expected.records, `schedule [${schedule.join(',')}]`);
            assert.deepEqual(run.observe(), expected.observation, `schedule [${schedule.join(',')}]`);
          } finally {
            await run.close();
          }
        }
      });
    }
  }

  it('the ticket lock of the thread form: first come first served, release hands over, tickets past the table are refused', () => {
    const table = SharedHostTable.create(1, 3);
    assert.deepEqual(table.acquire(0), { kind: 'acquired', ticket: 0 });
    assert.deepEqual(table.acquire(1), { kind: 'queued', ticket: 1, holder: 0 });
    assert.deepEqual(table.acquire(2), { kind: 'queued', ticket: 2, holder: 0 });
    assert.equal(table.isServing(2), false);
    assert.equal(table.release(), 1);
    assert.equal(table.release(), 2);
    assert.equal(table.isServing(2), true);
    assert.equal(table.release(), null);
    assert.throws(() => table.acquire(0), /past the table's 3 owner slots/);
  });

  for (const guard of ['unguarded', 'locked'] as const) {
    it(`lock-step on worker threads, ${guard}, 2 tasks on 1 host: every complete schedule agrees with the model`, async () => {
      const model = createLostUpdateModel({ tasks: 2, hosts: 1, guard, runtime: 'threads' });
      const schedules = everySchedule(model);
      assert.ok(schedules.length > 1);
      for (const schedule of schedules) {
        const expected = modelRun(model, schedule);
        const run = await openLostUpdateThreadsRun({ tasks: 2, hosts: 1, guard });
        try {
          const records = [];
          for (const actor of schedule) records.push(await run.step(actor));
          assert.deepEqual(records, expected.records, `schedule [${schedule.join(',')}]`);
          assert.deepEqual(run.observe(), expected.observation, `schedule [${schedule.join(',')}]`);
          assert.ok(run.actors.every((_, a) => run.finished(a)));
        } finally {
          await run.close();
        }
      }
    });
  }

  it('lock-step on worker threads: a waiting thread scheduled before the lock is handed to it fails with the contract error, no hang', async () => {
    const run = await openLostUpdateThreadsRun({ tasks: 2, hosts: 1, guard: 'locked' });
    try {
      assert.deepEqual(await run.step(0), { actor: 'task-0', action: 'acquire lock', outcome: 'acquired' });
      assert.deepEqual(await run.step(1), { actor: 'task-1', action: 'acquire lock', outcome: 'held by task-0, waits' });
      assert.equal(run.observe().tasks[1]?.status, 'waiting');
      await assert.rejects(run.step(1), /task-1 failed: task-1 was scheduled while it still waits \(wait for lock\)/);
    } finally {
      await run.close();
    }
  });
});
