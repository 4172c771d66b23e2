import assert from 'node:assert/strict';
import { explore, exhaustive, pct, replay } from 'lockstep';
import { fencedAsync, fencedThreads, leaseLostRuns, unfencedAsync, unfencedThreads } from '../jobs/jobs.scenario.js';

// The shortest schedule: worker-a claims, the clock reaches the maintenance task's timer, the expired job
// is requeued, worker-b claims it, and both complete.
const SHORTEST = [
  ['worker-a', 'BEGIN IMMEDIATE'],
  ['worker-a', 'SELECT'],
  ['worker-a', 'UPDATE'],
  ['worker-a', 'COMMIT'],
  ['clock', 'advance to the next timer: 10m, to 0:10:00'],
  ['maintenance', 'UPDATE'],
  ['worker-b', 'BEGIN IMMEDIATE'],
  ['worker-b', 'SELECT'],
  ['worker-b', 'UPDATE'],
  ['worker-b', 'COMMIT'],
  ['worker-a', 'UPDATE'],
  ['worker-b', 'UPDATE'],
];

const shape = (steps) => steps.map((s) => [s.actor, s.actor === 'clock' ? s.action : s.action.split(' ')[0] === 'BEGIN' ? 'BEGIN IMMEDIATE' : s.action.split(' ')[0]]);
const timed = async (what) => {
  const started = Date.now();
  const result = await what();
  return { result, ms: Date.now() - started };
};

describe('a job queue with leases, on the virtual clock', function () {
  this.timeout(600_000); // thousands of real runs; the machine may be shared
  let shortest;

  describe('async runtime', () => {
    it('without fencing: a job is processed twice when its holder outlives its lease (exhaustive, shortest schedule)', async () => {
      const { result: found, ms } = await timed(() => explore(unfencedAsync, { strategy: exhaustive() }));
      console.log(`      ${found.schedules} schedules explored in ${ms} ms`);
      assert.equal(found.verdict, 'violation', found.report);
      assert.equal(found.message, 'job 1 was processed 2 times');
      assert.deepEqual(shape(found.steps), SHORTEST, found.report);
      assert.equal(found.steps[4].outcome, 'maintenance wakes');
      assert.deepEqual(found.steps.map((s) => s.clock), [0, 0, 0, 0, 600_000, 600_000, 600_000, 600_000, 600_000, 600_000, 600_000, 600_000]);
      console.log(found.report.replace(/^/gm, '      '));
      shortest = found;
    });

    it('its replay token reruns the same steps at the same virtual times', async () => {
      const again = await explore(unfencedAsync, { strategy: replay(shortest.replayToken) });
      assert.equal(again.verdict, 'violation');
      assert.deepEqual(again.steps, shortest.steps);
    });

    it('with the fencing token: the job is processed once in every schedule, and a stale completion was refused', async () => {
      const { result: held, ms } = await timed(() => explore(fencedAsync, { strategy: exhaustive() }));
      console.log(`      ${held.schedules} schedules explored in ${ms} ms; a completion found its lease taken over in ${leaseLostRuns.get('jobs-fenced-async')} of them`);
      assert.equal(held.verdict, 'holds', held.report);
      assert.ok(leaseLostRuns.get('jobs-fenced-async') > 0, 'no run reached a completion after the lease was taken over');
    });
  });

  describe('worker threads', () => {
    it("the async runtime's shortest schedule replays on worker threads to the same steps and times", async () => {
      const onThreads = await explore(unfencedThreads, { strategy: replay(shortest.replayToken) });
      assert.equal(onThreads.verdict, 'violation', onThreads.report);
      assert.deepEqual(onThreads.steps, shortest.steps);
    });

    it('without fencing: pct finds the double processing; the same seed gives the same trace', async () => {
      const { result: a, ms } = await timed(() => explore(unfencedThreads, { strategy: pct({ runs: 100, seed: 1 }) }));
      const b = await explore(unfencedThreads, { strategy: pct({ runs: 100, seed: 1 }) });
      console.log(`      pct: found after ${a.schedules} schedules in ${ms} ms`);
      assert.equal(a.verdict, 'violation', a.report);
      assert.equal(a.message, 'job 1 was processed 2 times');
      assert.ok(a.steps.some((s) => s.actor === 'clock'));
      assert.deepEqual(b.steps, a.steps);
      assert.equal(b.replayToken, a.replayToken);
    });

    it('with the fencing token: pct holds over 100 schedules, and a stale completion was refused', async () => {
      const { result: held, ms } = await timed(() => explore(fencedThreads, { strategy: pct({ runs: 100, seed: 1 }) }));
      console.log(`      ${held.schedules} schedules in ${ms} ms; a completion found its lease taken over in ${leaseLostRuns.get('jobs-fenced-threads')} of them`);
      assert.equal(held.verdict, 'holds', held.report);
      assert.ok(leaseLostRuns.get('jobs-fenced-threads') > 0);
    });
  });
});
