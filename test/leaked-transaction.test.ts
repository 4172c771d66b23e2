/**
 * The leaked-transaction scenario (seed 004, a thread's own connection in Python's legacy mode) end to end, in
 * WAL mode: legacy really keeps the write lock past a call whose error it swallowed, and with another holder of
 * the lock a failed write really poisons its thread (every later write fails with SQLITE_BUSY_SNAPSHOT), each
 * shortest counterexample replayed step for step on real worker threads; without a read after the failure
 * nothing is poisoned; rollback-before-retry and begin-immediate really hold against the poisoning but not
 * against the leak, rollback-on-exit against both, with their dangerous windows reached on both engines; the
 * programs of the two engines agree; the pinned world counts.
 */
import assert from 'node:assert/strict';
import { check } from '../sim/check.js';
import { replayOnReal } from '../sim/real-replay.js';
import { completeSchedule, replaySchedule } from '../sim/run-schedule.js';
import { leakedTransactionBinding, leakedTransactionParams } from '../sim/scenarios/leaked-transaction.binding.js';
import { exploreExhaustively } from '../sim/strategies/exhaustive-strategy.js';
import { everyThreadRecovers, LEAKED_TRANSACTION_PROPERTIES } from '../properties/leaked-transaction.js';
import { createLeakedTransactionModel } from '../spec/leaked-transaction/leaked-transaction.model.js';
import { programs } from '../spec/leaked-transaction/thread-program.js';
import { threadPrograms } from '../impl/leaked-transaction/thread-program.js';
import { plainSteps } from './plain-steps.js';

type Params = Record<string, string | number>;
const opts = (variant: string, params: Params = {}, engine: 'sim' | 'real' = 'sim') => ({ variant, engine, strategy: 'exhaustive' as const, runs: 1, seed: 1, params });
const LONG: Params = { holder: 'long-transaction' };
const line = (s: { actor: string; action: string; outcome: string }): string => `${s.actor} ${s.action} -> ${s.outcome}`;

describe('leaked-transaction (seed 004, luca-nrw-scraper)', function () {
  this.timeout(180_000);

  it('legacy: a swallowed error after an UPSERT keeps the write lock past the call (3 steps), on real worker threads too', async () => {
    const sim = await check(leakedTransactionBinding, opts('legacy'));
    assert.equal(sim.verdict, 'violation');
    assert.equal(sim.property, 'no-write-lock-between-calls');
    const trace = sim.counterexample!;
    assert.deepEqual(trace.schedule, [1, 1, 1]);
    assert.deepEqual(trace.steps.map(line), ['thread-1 BEGIN (implicit) -> ok', 'thread-1 UPSERT pattern -> ok', 'thread-1 UPDATE confidence -> error (injected)']);
    const real = await replayOnReal(() => leakedTransactionBinding.openReal('legacy', trace.params), LEAKED_TRANSACTION_PROPERTIES, trace.schedule, trace.steps, false);
    assert.equal(real.mismatch, null, 'the real threads took the same steps with the same outcomes');
    assert.equal(real.violation?.property, 'no-write-lock-between-calls');
  });

  it('legacy with a long transaction elsewhere: one failed record, one read, and every later write of the thread fails with SQLITE_BUSY_SNAPSHOT (40 steps), on both engines', async () => {
    const sim = await check(leakedTransactionBinding, opts('legacy', LONG));
    assert.equal(sim.verdict, 'violation');
    assert.equal(sim.property, 'every-thread-recovers');
    const steps = sim.counterexample!.steps;
    assert.equal(steps.length, 40);
    const commit = steps.findIndex((s) => s.actor === 'thread-1' && s.action === 'COMMIT' && s.outcome === 'ok');
    assert.ok(commit > 0, 'the other job committed and released the write lock');
    const afterwards = steps.slice(commit + 1).filter((s) => s.actor === 'thread-0' && s.action === 'UPSERT dork');
    assert.equal(afterwards.length, 10, 'two later records, five attempts each');
    assert.ok(afterwards.every((s) => s.outcome === 'SQLITE_BUSY_SNAPSHOT at once'));
    const read = steps.findIndex((s) => s.action === 'SELECT dork');
    assert.ok(read > 0 && read < commit, 'the read came between the failed record and the commit');
    const real = await check(leakedTransactionBinding, opts('legacy', LONG, 'real'));
    assert.equal(real.mismatch, null);
    assert.equal(real.verdict, 'violation');
    assert.equal(real.property, 'every-thread-recovers');
    assert.deepEqual(real.counterexample?.steps.map(line), steps.map(line));
  });

  it('legacy: the leaked lock alone leads to the same poisoning (judged by every-thread-recovers only), on both engines', async () => {
    const model = leakedTransactionBinding.model('legacy', {});
    const explored = exploreExhaustively(model, [everyThreadRecovers]);
    assert.equal(explored.verdict, 'violation');
    const run = completeSchedule(model, [everyThreadRecovers], explored.schedule!);
    assert.ok(run.steps.some((s) => s.actor === 'thread-0' && s.outcome === 'SQLITE_BUSY_SNAPSHOT at once'));
    const real = await replayOnReal(() => leakedTransactionBinding.openReal('legacy', {}), [everyThreadRecovers], run.schedule, run.steps, true);
    assert.equal(real.mismatch, null);
    assert.equal(real.violation?.property, 'every-thread-recovers');
  });

  it('legacy without a read after the failure (--report none): the next write waits its turn and commits, on both engines', async () => {
    for (const engine of ['sim', 'real'] as const) {
      const result = await check(leakedTransactionBinding, opts('legacy', { ...LONG, report: 'none' }, engine));
      assert.equal(result.mismatch, null);
      assert.equal(result.verdict, 'holds', engine);
      assert.ok((result.notable['a-call-failed-on-a-lock'] ?? 0) > 0, `${engine}: a record failed`);
      assert.equal(result.notable['read-after-a-failed-call'], undefined);
    }
  });

  for (const variant of ['rollback-before-retry', 'begin-immediate', 'rollback-on-exit']) {
    it(`${variant}: holds against the long transaction on both engines, after a failed record, a read and a commit`, async () => {
      for (const engine of ['sim', 'real'] as const) {
        const result = await check(leakedTransactionBinding, opts(variant, LONG, engine));
        assert.equal(result.mismatch, null);
        assert.equal(result.verdict, 'holds', `${variant} on ${engine}`);
        for (const window of ['a-call-failed-on-a-lock', 'read-after-a-failed-call', 'commit-after-that-read']) {
          assert.ok((result.notable[window] ?? 0) > 0, `${variant} on ${engine}: ${window} reached`);
        }
      }
    });
  }

  for (const variant of ['rollback-before-retry', 'begin-immediate']) {
    it(`${variant}: the error _update_pattern swallows still keeps the write lock past the call, on both engines`, async () => {
      const sim = await check(leakedTransactionBinding, opts(variant));
      assert.equal(sim.verdict, 'violation');
      assert.equal(sim.property, 'no-write-lock-between-calls');
      const trace = sim.counterexample!;
      assert.equal(trace.steps.at(-1)?.outcome, 'error (injected)');
      const real = await replayOnReal(() => leakedTransactionBinding.openReal(variant, trace.params), LEAKED_TRANSACTION_PROPERTIES, trace.schedule, trace.steps, false);
      assert.equal(real.mismatch, null);
      assert.equal(real.violation?.property, 'no-write-lock-between-calls');
    });
  }

  it('rollback-on-exit: the swallowed error is rolled back at the end of the block, and the lock is free; on both engines', async () => {
    for (const engine of ['sim', 'real'] as const) {
      const result = await check(leakedTransactionBinding, opts('rollback-on-exit', {}, engine));
      assert.equal(result.mismatch, null);
      assert.equal(result.verdict, 'holds', engine);
      assert.ok((result.notable['write-lock-contention'] ?? 0) > 0, `${engine}: thread-0 waited for thread-1's write lock`);
    }
    const model = leakedTransactionBinding.model('rollback-on-exit', {});
    const run = completeSchedule(model, LEAKED_TRANSACTION_PROPERTIES, [1, 1, 1, 1]);
    assert.deepEqual(run.steps.slice(0, 4).map(line), [
      'thread-1 BEGIN (implicit) -> ok',
      'thread-1 UPSERT pattern -> ok',
      'thread-1 UPDATE confidence -> error (injected)',
      'thread-1 ROLLBACK -> ok',
    ]);
  });

  it('a saved counterexample replays to the same steps and verdict on the model', async () => {
    const sim = await check(leakedTransactionBinding, opts('legacy', LONG));
    const trace = sim.counterexample!;
    const again = replaySchedule(leakedTransactionBinding.model('legacy', trace.params), LEAKED_TRANSACTION_PROPERTIES, trace.schedule);
    assert.deepEqual(plainSteps(again.steps), plainSteps(trace.steps));
    assert.equal(again.violation?.property, 'every-thread-recovers');
  });

  it("the real threads run the model's programs", () => {
    for (const holder of ['leaked-lock', 'long-transaction'] as const) {
      for (const report of ['after-record', 'none'] as const) {
        for (const laterRecords of [0, 2]) {
          const options = { holder, holdMs: 1000, workMs: 500, laterRecords, report };
          assert.deepEqual(threadPrograms(options), programs(options));
        }
      }
    }
  });

  it('pinned world counts (a change to the model that alters the state space shows here)', () => {
    const counts: Record<string, [number, number]> = {};
    for (const variant of ['legacy', 'rollback-before-retry', 'begin-immediate', 'rollback-on-exit']) {
      for (const holder of ['leaked-lock', 'long-transaction']) {
        const model = createLeakedTransactionModel(leakedTransactionParams(variant, { holder }));
        const explored = exploreExhaustively(model, []);
        counts[`${variant} ${holder}`] = [explored.worlds, explored.transitions];
      }
    }
    assert.deepEqual(counts, {
      'legacy leaked-lock': [81, 91],
      'legacy long-transaction': [74, 80],
      'rollback-before-retry leaked-lock': [84, 94],
      'rollback-before-retry long-transaction': [77, 83],
      'begin-immediate leaked-lock': [67, 74],
      'begin-immediate long-transaction': [61, 66],
      'rollback-on-exit leaked-lock': [41, 55],
      'rollback-on-exit long-transaction': [77, 83],
    });
  });
});
