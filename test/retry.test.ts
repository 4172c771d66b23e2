/**
 * The retry scenario (seeds 003 and 004) end to end, in both journal modes: retry-statement really violates
 * every-update-applied on both engines with a shortest counterexample that replays step for step on real
 * SQLite; retry-transaction and immediate really hold exhaustively on both engines with the dangerous window
 * reached; the strategies are deterministic; a saved trace replays; the world counts are pinned; the model's
 * jitter is the real decorator's.
 */
import { plainSteps } from './plain-steps.js';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { check } from '../sim/check.js';
import { replayOnReal } from '../sim/real-replay.js';
import { replaySchedule } from '../sim/run-schedule.js';
import { retryBinding, retryParams } from '../sim/scenarios/retry.binding.js';
import { exploreExhaustively } from '../sim/strategies/exhaustive-strategy.js';
import { RETRY_PROPERTIES } from '../properties/retry.js';
import { createRetryModel } from '../spec/retry/retry.model.js';
import { backoffDelayMs, jitterDraw, jitterStreamSeed } from '../spec/retry/backoff.js';
import * as real from '../impl/retry/seeded-random.js';
import { backoffDelayMs as realBackoffDelayMs, withRetry, type Clock } from '../impl/retry/retry-decorator.js';

type Journal = 'delete' | 'wal';
const params = (journal: Journal, extra: Record<string, number> = {}) => ({ workers: 2, journal, maxAttempts: 3, baseDelayMs: 10, jitterSeed: 1, busyTimeoutMs: 5000, ...extra });
const opts = (variant: string, journal: Journal, strategy: 'exhaustive' | 'random' | 'pct' = 'exhaustive', engine: 'sim' | 'real' = 'sim') => ({
  variant,
  engine,
  strategy,
  runs: 200,
  seed: 7,
  params: params(journal),
});

describe('retry (seeds 003 and 004)', function () {
  this.timeout(120_000);

  const shortest: Record<Journal, number> = { delete: 13, wal: 12 };
  const gaveUpWith: Record<Journal, string> = { delete: 'SQLITE_BUSY', wal: 'SQLITE_BUSY_SNAPSHOT' };

  for (const journal of ['delete', 'wal'] as const) {
    describe(`journal ${journal}`, () => {
      it('retry-statement: a shortest violation of every-update-applied, which real SQLite reproduces step for step', async () => {
        const sim = await check(retryBinding, opts('retry-statement', journal));
        assert.equal(sim.verdict, 'violation');
        assert.equal(sim.property, 'every-update-applied');
        assert.match(sim.message ?? '', new RegExp(`gave up after 3 attempts: ${gaveUpWith[journal]}$`));
        const trace = sim.counterexample!;
        assert.equal(trace.steps.length, shortest[journal]);
        // The retried statement is the UPDATE of a transaction that already read, three times.
        assert.equal(trace.steps.filter((s) => s.action === 'UPDATE counter SET v = 1' && s.outcome === `${gaveUpWith[journal]} at once`).length, 3);
        const onReal = await replayOnReal(() => retryBinding.openReal('retry-statement', trace.params), RETRY_PROPERTIES, trace.schedule, trace.steps, true);
        assert.equal(onReal.mismatch, null, 'real SQLite took the same steps with the same outcomes');
        assert.equal(onReal.violation?.property, 'every-update-applied');
      });

      for (const variant of ['retry-transaction', 'immediate'] as const) {
        it(`${variant}: holds in every distinct world, with the dangerous window reached`, async () => {
          const sim = await check(retryBinding, opts(variant, journal));
          assert.equal(sim.verdict, 'holds');
          assert.ok((sim.notable['write-lock-contention'] ?? 0) > 0, 'two workers were after the write lock at once');
          if (variant === 'retry-transaction') assert.ok((sim.notable['backoff-under-contention'] ?? 0) > 0, 'a worker backed off while another was in a transaction');
        });

        it(`${variant} on real SQLite: schedules covering every transition agree with the model and hold`, async () => {
          const onReal = await check(retryBinding, opts(variant, journal, 'exhaustive', 'real'));
          assert.equal(onReal.mismatch, null);
          assert.equal(onReal.verdict, 'holds');
          assert.ok(onReal.explored.schedules > 0);
        });
      }

      it('retry-statement on real SQLite: schedules covering every transition agree with the model', async () => {
        const onReal = await check(retryBinding, opts('retry-statement', journal, 'exhaustive', 'real'));
        assert.equal(onReal.mismatch, null);
        assert.equal(onReal.verdict, 'violation');
        assert.equal(onReal.property, 'every-update-applied');
      });

      for (const strategy of ['random', 'pct'] as const) {
        it(`retry-statement: ${strategy} finds the violation, and it fails the same way on real SQLite`, async () => {
          const sim = await check(retryBinding, opts('retry-statement', journal, strategy));
          assert.equal(sim.verdict, 'violation');
          const trace = sim.counterexample!;
          const onReal = await replayOnReal(() => retryBinding.openReal('retry-statement', trace.params), RETRY_PROPERTIES, trace.schedule, trace.steps, true);
          assert.equal(onReal.mismatch, null);
          assert.equal(onReal.violation?.property, sim.property);
        });
      }
    });
  }

  it('without a busy timeout, BEGIN IMMEDIATE alone is not enough: immediate fails at once on both engines', async () => {
    const p = { ...params('delete'), busyTimeoutMs: 0 };
    const sim = await check(retryBinding, { ...opts('immediate', 'delete'), params: p });
    assert.equal(sim.verdict, 'violation');
    assert.equal(sim.property, 'every-update-applied');
    const trace = sim.counterexample!;
    const onReal = await replayOnReal(() => retryBinding.openReal('immediate', p), RETRY_PROPERTIES, trace.schedule, trace.steps, true);
    assert.equal(onReal.mismatch, null);
    assert.equal(onReal.violation?.property, 'every-update-applied');
  });

  it('retry-transaction holds only under the timing assumption: a worker that may wake at any moment spends its budget (both engines)', async () => {
    for (const journal of ['delete', 'wal'] as const) {
      const p = { ...params(journal), timing: 'untimed' };
      const sim = await check(retryBinding, { ...opts('retry-transaction', journal), params: p });
      assert.equal(sim.verdict, 'violation');
      assert.equal(sim.property, 'every-update-applied');
      const trace = sim.counterexample!;
      assert.equal(trace.steps.length, 18);
      const onReal = await replayOnReal(() => retryBinding.openReal('retry-transaction', p), RETRY_PROPERTIES, trace.schedule, trace.steps, true);
      assert.equal(onReal.mismatch, null);
      assert.equal(onReal.violation?.property, 'every-update-applied');
    }
  });

  it('retry-transaction: workers whose jittered delays tie wake together and collide again (3 workers, budget 2, jitter seed 3)', async () => {
    const p = { ...params('delete'), workers: 3, maxAttempts: 2, jitterSeed: 3 };
    const sim = await check(retryBinding, { ...opts('retry-transaction', 'delete'), params: p });
    assert.equal(sim.verdict, 'violation');
    assert.equal(sim.property, 'every-update-applied');
    const trace = sim.counterexample!;
    assert.equal(trace.steps.length, 22);
    assert.deepEqual(
      trace.steps.filter((s) => s.action.startsWith('sleep')).map((s) => `${s.actor} ${s.action}`),
      ['worker-0 sleep 13 ms', 'worker-2 sleep 13 ms'],
    );
    const onReal = await replayOnReal(() => retryBinding.openReal('retry-transaction', p), RETRY_PROPERTIES, trace.schedule, trace.steps, true);
    assert.equal(onReal.mismatch, null);
    assert.equal(onReal.violation?.property, 'every-update-applied');
    // With the default budget of 3 the same workers and seed hold.
    const three = await check(retryBinding, { ...opts('retry-transaction', 'delete'), params: { ...p, maxAttempts: 3 } });
    assert.equal(three.verdict, 'holds');
  });

  it('retry-transaction: with 4 workers a budget of 3 is not always enough (jitter seed 3 fails, seed 1 holds)', async () => {
    const p = { ...params('delete'), workers: 4, jitterSeed: 3 };
    const sim = await check(retryBinding, { ...opts('retry-transaction', 'delete'), params: p });
    assert.equal(sim.verdict, 'violation');
    assert.equal(sim.property, 'every-update-applied');
    const trace = sim.counterexample!;
    const onReal = await replayOnReal(() => retryBinding.openReal('retry-transaction', p), RETRY_PROPERTIES, trace.schedule, trace.steps, true);
    assert.equal(onReal.mismatch, null);
    assert.equal(onReal.violation?.property, 'every-update-applied');
    const seedOne = await check(retryBinding, { ...opts('retry-transaction', 'delete'), params: { ...p, jitterSeed: 1 } });
    assert.equal(seedOne.verdict, 'holds');
  });

  it('same seed, byte-identical trace (random and pct)', async () => {
    for (const strategy of ['random', 'pct'] as const) {
      const run = () => check(retryBinding, { ...opts('retry-statement', 'wal', strategy), runs: 100, seed: 12345 });
      assert.equal(JSON.stringify((await run()).counterexample), JSON.stringify((await run()).counterexample));
    }
  });

  it('a saved trace replays to the same steps and verdict on both engines', async () => {
    const sim = await check(retryBinding, opts('retry-statement', 'delete'));
    const saved = JSON.parse(JSON.stringify(sim.counterexample)) as NonNullable<typeof sim.counterexample>;
    const again = replaySchedule(createRetryModel(retryParams('retry-statement', saved.params)), RETRY_PROPERTIES, saved.schedule);
    assert.deepEqual(plainSteps(again.steps), plainSteps(saved.steps));
    assert.equal(again.violation?.property, saved.property);
    const onReal = await replayOnReal(() => retryBinding.openReal('retry-statement', saved.params), RETRY_PROPERTIES, saved.schedule, saved.steps, true);
    assert.deepEqual(plainSteps(onReal.steps), plainSteps(saved.steps));
    assert.equal(onReal.violation?.property, saved.property);
  });

  it('pins the exhaustive world counts (2 and 3 workers, both journals)', () => {
    const counts: Record<string, number[][]> = {};
    for (const variant of ['retry-statement', 'retry-transaction', 'immediate']) {
      counts[variant] = [];
      for (const journal of ['delete', 'wal'] as const) {
        for (const workers of [2, 3]) {
          const result = exploreExhaustively(createRetryModel(retryParams(variant, params(journal, { workers }))), RETRY_PROPERTIES, undefined, { continueAfterViolation: true });
          assert.equal(result.limit, null);
          counts[variant].push([result.worlds, result.transitions]);
        }
      }
    }
    assert.deepEqual(counts, PINNED_COUNTS);
  });

  it("the model's backoff delays are the real decorator's (same seeded jitter, same formula)", () => {
    for (const seed of [0, 1, 42, 0x7fffffff]) {
      for (let worker = 0; worker < 4; worker++) {
        const stream = real.seededRandom(real.jitterStreamSeed(seed, worker));
        assert.equal(real.jitterStreamSeed(seed, worker), jitterStreamSeed(seed, worker));
        for (let index = 0; index < 20; index++) {
          const draw = stream();
          assert.equal(draw, jitterDraw(jitterStreamSeed(seed, worker), index));
          assert.ok(draw >= 0 && draw < 1);
          for (const attempt of [1, 2, 3]) assert.equal(realBackoffDelayMs(10, attempt, draw), backoffDelayMs(10, attempt, draw));
        }
      }
    }
  });

  it('the decorator retries "database is locked" only, up to its budget, sleeping on the injected clock', async () => {
    const slept: number[] = [];
    const clock: Clock = { sleep: async (ms) => void slept.push(ms) };
    const busy = (): Error => new Database.SqliteError('database is locked', 'SQLITE_BUSY');
    let calls = 0;
    await assert.rejects(
      withRetry(async () => {
        calls++;
        throw busy();
      }, { maxAttempts: 3, baseDelayMs: 10, clock, random: () => 0.5 }),
      /database is locked/,
    );
    assert.equal(calls, 3);
    assert.deepEqual(slept, [15, 25]);
    calls = 0;
    await assert.rejects(
      withRetry(async () => {
        calls++;
        throw new Error('not a lock error');
      }, { maxAttempts: 3, baseDelayMs: 10, clock, random: () => 0.5 }),
      /not a lock error/,
    );
    assert.equal(calls, 1);
    calls = 0;
    const value = await withRetry(async () => (++calls < 2 ? Promise.reject(busy()) : 'done'), { maxAttempts: 3, baseDelayMs: 10, clock, random: () => 0 });
    assert.equal(value, 'done');
    assert.equal(calls, 2);
  });
});

/** [worlds, transitions] per variant for (delete, 2), (delete, 3), (wal, 2), (wal, 3) workers. */
const PINNED_COUNTS: Record<string, number[][]> = {
  'retry-statement': [[43, 54], [339, 504], [45, 56], [408, 585]],
  'retry-transaction': [[47, 60], [405, 663], [59, 70], [648, 942]],
  immediate: [[25, 30], [121, 183], [25, 30], [121, 183]],
};
