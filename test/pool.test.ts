/**
 * The pool scenario (seeds 003 and 004) end to end, in both journal modes: shared-connection really violates
 * no-connection-shared and bounded-pool-deferred really violates no-busy-escapes, each with a shortest
 * counterexample that replays step for step on real SQLite; thread-local and bounded-pool really hold
 * exhaustively on both engines with their dangerous windows reached; what a shared connection does after the
 * violation agrees on both engines; determinism, replay and pinned counts; the pool itself.
 */
import { plainSteps } from './plain-steps.js';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { check } from '../sim/check.js';
import { replayOnReal } from '../sim/real-replay.js';
import { replaySchedule } from '../sim/run-schedule.js';
import { poolBinding, poolParams } from '../sim/scenarios/pool.binding.js';
import { exploreExhaustively } from '../sim/strategies/exhaustive-strategy.js';
import { POOL_PROPERTIES } from '../properties/pool.js';
import { createPoolModel } from '../spec/pool/pool.model.js';
import { ConnectionPool } from '../impl/pool/connection-pool.js';

type Journal = 'delete' | 'wal';
const params = (journal: Journal, extra: Record<string, number> = {}) => ({ workers: 3, journal, poolSize: 2, busyTimeoutMs: 5000, ...extra });
const opts = (variant: string, journal: Journal, engine: 'sim' | 'real' = 'sim', strategy: 'exhaustive' | 'random' | 'pct' = 'exhaustive') => ({
  variant,
  engine,
  strategy,
  runs: 200,
  seed: 7,
  params: params(journal),
});

describe('pool (seeds 003 and 004)', function () {
  this.timeout(120_000);

  const violations = [
    { variant: 'shared-connection', property: 'no-connection-shared', steps: { delete: 2, wal: 2 } },
    { variant: 'bounded-pool-deferred', property: 'no-busy-escapes', steps: { delete: 15, wal: 15 } },
  ] as const;

  for (const journal of ['delete', 'wal'] as const) {
    describe(`journal ${journal}`, () => {
      for (const { variant, property, steps } of violations) {
        it(`${variant}: a shortest violation of ${property}, which real SQLite reproduces step for step`, async () => {
          const sim = await check(poolBinding, opts(variant, journal));
          assert.equal(sim.verdict, 'violation');
          assert.equal(sim.property, property);
          const trace = sim.counterexample!;
          assert.equal(trace.steps.length, steps[journal]);
          const onReal = await replayOnReal(() => poolBinding.openReal(variant, trace.params), POOL_PROPERTIES, trace.schedule, trace.steps, true);
          assert.equal(onReal.mismatch, null, 'real SQLite took the same steps with the same outcomes');
          assert.equal(onReal.violation?.property, property);
        });

        it(`${variant} on real SQLite: schedules covering every transition agree with the model`, async () => {
          const onReal = await check(poolBinding, opts(variant, journal, 'real'));
          assert.equal(onReal.mismatch, null);
          assert.equal(onReal.verdict, 'violation');
          assert.equal(onReal.property, property);
        });
      }

      for (const [variant, window] of [['thread-local', 'write-lock-contention'], ['bounded-pool', 'pool-exhausted']] as const) {
        it(`${variant}: holds in every distinct world (symmetry-reduced), with ${window} reached`, async () => {
          const sim = await check(poolBinding, opts(variant, journal));
          assert.equal(sim.verdict, 'holds');
          assert.ok((sim.notable[window] ?? 0) > 0);
          assert.ok((sim.notable['write-lock-contention'] ?? 0) > 0);
        });

        it(`${variant} on real SQLite: schedules covering every transition agree with the model and hold`, async () => {
          const onReal = await check(poolBinding, opts(variant, journal, 'real'));
          assert.equal(onReal.mismatch, null);
          assert.equal(onReal.verdict, 'holds');
          assert.ok(onReal.explored.schedules > 0);
        });
      }

      it('bounded-pool-deferred: random and pct find the violation, and it fails the same way on real SQLite', async () => {
        for (const strategy of ['random', 'pct'] as const) {
          const sim = await check(poolBinding, opts('bounded-pool-deferred', journal, 'sim', strategy));
          assert.equal(sim.verdict, 'violation');
          const trace = sim.counterexample!;
          const onReal = await replayOnReal(() => poolBinding.openReal('bounded-pool-deferred', trace.params), POOL_PROPERTIES, trace.schedule, trace.steps, true);
          assert.equal(onReal.mismatch, null);
          assert.equal(onReal.violation?.property, sim.property);
        }
      });

      it("shared-connection, past the violation: the second worker's error handler rolls back the first worker's transaction (both engines)", async () => {
        // No properties: the run goes on after the two workers meet inside one transaction.
        const p = params(journal, { workers: 2 });
        const lost = replaySchedule(createPoolModel(poolParams('shared-connection', p)), [], [0, 0, 0, 1, 1, 0]);
        assert.deepEqual(
          lost.steps.map((s) => `${s.actor} ${s.action} -> ${s.outcome}`),
          [
            'worker-0 connection-0: BEGIN IMMEDIATE -> ok',
            'worker-0 connection-0: SELECT counter -> counter = 0',
            'worker-0 connection-0: UPDATE counter SET v = 1 -> ok',
            'worker-1 connection-0: BEGIN IMMEDIATE -> SQLITE_ERROR at once',
            'worker-1 connection-0: ROLLBACK -> ok',
            'worker-0 connection-0: COMMIT -> SQLITE_ERROR at once',
          ],
        );
        const onReal = await replayOnReal(() => poolBinding.openReal('shared-connection', p), [], lost.schedule, lost.steps, true);
        assert.equal(onReal.mismatch, null);
        // ... and in another order the first worker's UPDATE runs in autocommit: applied, yet reported as failed.
        const phantom = replaySchedule(createPoolModel(poolParams('shared-connection', p)), [], [0, 0, 1, 1, 0, 0]);
        assert.deepEqual(phantom.steps.slice(4).map((s) => s.outcome), ['ok', 'SQLITE_ERROR at once']);
        const run = await poolBinding.openReal('shared-connection', p);
        try {
          for (const [i, actor] of phantom.schedule.entries()) assert.deepEqual(await run.step(actor), phantom.steps[i]);
          const seen = run.observe() as { counter: number; workers: { status: string }[] };
          assert.equal(seen.counter, 1, 'the increment landed');
          assert.deepEqual(seen.workers.map((w) => w.status), ['failed', 'failed'], 'and both callers were told it failed');
        } finally {
          await run.close();
        }
      });
    });
  }

  describe('--runtime threads (every worker a real worker thread with its own connection)', () => {
    const onThreads = (variant: string, journal: Journal, engine: 'sim' | 'real' = 'real') => {
      const o = opts(variant, journal, engine);
      return { ...o, params: { ...o.params, runtime: 'threads' } };
    };

    for (const [variant, window] of [['thread-local', 'write-lock-contention'], ['bounded-pool', 'pool-exhausted']] as const) {
      it(`${variant} on threads: schedules covering every transition agree with the model and hold, ${window} reached`, async () => {
        const onReal = await check(poolBinding, onThreads(variant, 'delete'));
        assert.equal(onReal.mismatch, null);
        assert.equal(onReal.verdict, 'holds');
        assert.ok(onReal.explored.schedules > 0);
        assert.ok((onReal.notable[window] ?? 0) > 0, `${window} reached on threads`);
      });
    }

    for (const journal of ['delete', 'wal'] as const) {
      it(`bounded-pool-deferred (${journal}): the shortest counterexample replays on threads, every step agreeing, the same violation`, async () => {
        const sim = await check(poolBinding, onThreads('bounded-pool-deferred', journal, 'sim'));
        assert.equal(sim.verdict, 'violation');
        const trace = sim.counterexample!;
        assert.equal(trace.params['runtime'], 'threads');
        const onReal = await replayOnReal(() => poolBinding.openReal('bounded-pool-deferred', trace.params), POOL_PROPERTIES, trace.schedule, trace.steps, true);
        assert.equal(onReal.mismatch, null, 'the threads took the same steps with the same outcomes');
        assert.deepEqual(plainSteps(onReal.steps), plainSteps(trace.steps));
        assert.equal(onReal.violation?.property, 'no-busy-escapes');
      });
    }

    it('shared-connection is refused on threads, saying why; the run folder of a threads run is removed by close()', async () => {
      const p = { ...params('delete'), runtime: 'threads' };
      assert.throws(() => poolBinding.model('shared-connection', p), /cannot exist in Node/);
      await assert.rejects(poolBinding.openReal('shared-connection', p), /cannot exist in Node/);
      const run = (await poolBinding.openReal('thread-local', p)) as Awaited<ReturnType<typeof poolBinding.openReal>> & { dir: string };
      await run.step(0);
      await run.close();
      assert.throws(() => statSync(run.dir), /ENOENT/);
    });
  });

  it('same seed, byte-identical trace (random and pct)', async () => {
    for (const strategy of ['random', 'pct'] as const) {
      const run = () => check(poolBinding, { ...opts('bounded-pool-deferred', 'wal', 'sim', strategy), runs: 100, seed: 12345 });
      assert.equal(JSON.stringify((await run()).counterexample), JSON.stringify((await run()).counterexample));
    }
  });

  it('a saved trace replays to the same steps and verdict on both engines', async () => {
    const sim = await check(poolBinding, opts('bounded-pool-deferred', 'delete'));
    const saved = JSON.parse(JSON.stringify(sim.counterexample)) as NonNullable<typeof sim.counterexample>;
    const again = replaySchedule(createPoolModel(poolParams('bounded-pool-deferred', saved.params)), POOL_PROPERTIES, saved.schedule);
    assert.deepEqual(plainSteps(again.steps), plainSteps(saved.steps));
    assert.equal(again.violation?.property, saved.property);
    const onReal = await replayOnReal(() => poolBinding.openReal('bounded-pool-deferred', saved.params), POOL_PROPERTIES, saved.schedule, saved.steps, true);
    assert.deepEqual(plainSteps(onReal.steps), plainSteps(saved.steps));
    assert.equal(onReal.violation?.property, saved.property);
  });

  it('pins the exhaustive world counts (3 workers, pool of 2; and larger pools under load)', () => {
    const counts: Record<string, number[][]> = {};
    for (const variant of ['thread-local', 'shared-connection', 'bounded-pool', 'bounded-pool-deferred']) {
      counts[variant] = (['delete', 'wal'] as const).map((journal) => {
        const result = exploreExhaustively(createPoolModel(poolParams(variant, params(journal))), POOL_PROPERTIES, undefined, { continueAfterViolation: true });
        assert.equal(result.limit, null);
        return [result.worlds, result.transitions];
      });
    }
    assert.deepEqual(counts, {
      'thread-local': [[25, 41], [25, 41]],
      'shared-connection': [[19, 24], [19, 24]],
      'bounded-pool': [[123, 195], [123, 195]],
      'bounded-pool-deferred': [[210, 335], [262, 401]],
    });
    const larger = [[4, 2], [4, 3], [5, 2]].map(([workers, poolSize]) => {
      const result = exploreExhaustively(createPoolModel(poolParams('bounded-pool', params('delete', { workers: workers!, poolSize: poolSize! }))), POOL_PROPERTIES);
      assert.equal(result.verdict, 'holds');
      assert.ok((result.notable['pool-exhausted'] ?? 0) > 0);
      return [result.worlds, result.transitions];
    });
    assert.deepEqual(larger, [[329, 613], [924, 1646], [778, 1625]]);
  });

  describe('ConnectionPool', () => {
    let dir = '';
    beforeEach(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'pool-test-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('hands out the lowest idle connection, never one twice, grows to its maximum and makes the next caller wait for a release', async () => {
      let opened = 0;
      const pool = new ConnectionPool(() => {
        opened++;
        return new Database(path.join(dir, 'p.db'));
      }, 2);
      try {
        const a = await pool.acquire();
        const b = await pool.acquire();
        assert.deepEqual([a.index, b.index, opened], [0, 1, 2]);
        assert.equal(pool.tryAcquire(), null);
        let third: number | null = null;
        const waiting = pool.acquire().then((lease) => (third = lease.index));
        await Promise.resolve();
        assert.equal(third, null, 'the third caller waits');
        pool.release(1);
        await waiting;
        assert.equal(third, 1);
        assert.equal(opened, 2);
        pool.release(1);
        assert.throws(() => pool.release(1), /connection 1 was not checked out/);
      } finally {
        pool.close();
      }
    });
  });
});
