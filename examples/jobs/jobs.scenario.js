// Two workers and the maintenance task around one queued job, on both runtimes, with the completion as first
// written and with the fencing check. Time is lockstep's virtual clock: the maintenance task's 10-minute timer
// fires when the schedule advances the clock to it, so a worker can outlive its 5-minute lease in a test that
// takes milliseconds.
import assert from 'node:assert/strict';
import { defineScenario } from 'lockstep';
import { completeJob, completeJobFenced, maintenance, SCHEMA, worker } from './job-queue.js';

/** Runs, per scenario, in which a completion found its lease taken over and recorded nothing (the fix at work). */
export const leaseLostRuns = new Map();

function jobQueue(name, runtime, complete) {
  return defineScenario({
    name,
    runtime,
    module: import.meta.url,
    setup(db) {
      db.exec(SCHEMA);
      db.exec('INSERT INTO jobs (id) VALUES (1)');
    },
    actors: {
      'worker-a': (ctx) => worker(ctx.open(), 'worker-a', complete),
      'worker-b': (ctx) => worker(ctx.open(), 'worker-b', complete),
      maintenance: (ctx) => maintenance(ctx.open(), 1),
    },
    check({ db, results }) {
      if (Object.values(results).some((r) => r.status === 'done' && r.value === 'lease-lost')) leaseLostRuns.set(name, (leaseLostRuns.get(name) ?? 0) + 1);
      const { completions } = db.prepare('SELECT completions FROM jobs WHERE id = 1').get();
      assert.ok(completions <= 1, `job 1 was processed ${completions} times`);
    },
  });
}

export const unfencedAsync = jobQueue('jobs-unfenced-async', 'async', completeJob);
export const fencedAsync = jobQueue('jobs-fenced-async', 'async', completeJobFenced);
export const unfencedThreads = jobQueue('jobs-unfenced-threads', 'threads', completeJob);
export const fencedThreads = jobQueue('jobs-fenced-threads', 'threads', completeJobFenced);
