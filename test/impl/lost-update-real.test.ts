// The per-host circuit breaker of seed 004 as real async code: under the plain event loop (no driver, the
// production gate) concurrent penalties of one host really lose failures when unguarded and all count when
// locked; under the lock-step driver every complete schedule takes the model's steps and ends in the model's
// observation.
import assert from 'node:assert/strict';
import { DirectSteps } from '../../impl/async/task-steps.js';
import { HostTable, penalizeHostLocked, penalizeHostUnguarded, penaltyFor, RunMetrics } from '../../impl/lost-update/host-penalties.js';
import { openLostUpdateRun } from '../../impl/lost-update/lost-update.real-engine.js';
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
});
