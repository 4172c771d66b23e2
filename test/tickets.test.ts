/**
 * The ticket scenario (seed 002) end to end: the deferred variant really violates every-worker-acquires on
 * both engines with a shortest counterexample, the immediate variant really holds exhaustively with the write
 * lock contended, the random and pct strategies find the bug, same seed gives the same trace, a saved trace
 * replays to the same verdict on both engines, and the exhaustive world counts are pinned.
 */
import { plainSteps } from './plain-steps.js';
import assert from 'node:assert/strict';
import { check } from '../sim/check.js';
import { replayOnReal } from '../sim/real-replay.js';
import { replaySchedule } from '../sim/run-schedule.js';
import { ticketsBinding } from '../sim/scenarios/tickets.binding.js';
import { exploreExhaustively } from '../sim/strategies/exhaustive-strategy.js';
import { TICKETS_PROPERTIES } from '../properties/tickets.js';
import { createTicketsModel } from '../spec/tickets/tickets.model.js';

const params = (journal: 'delete' | 'wal', workers = 3) => ({ workers, journal, workload: 'acquire', busyTimeoutMs: 5000 });

describe('tickets (seed 002, Actifix)', function () {
  this.timeout(300_000);

  for (const journal of ['delete', 'wal'] as const) {
    describe(`journal ${journal}`, () => {
      it('deferred: exhaustive finds a shortest violation of every-worker-acquires, and real SQLite fails the same way', async () => {
        const sim = await check(ticketsBinding, { variant: 'deferred', engine: 'sim', strategy: 'exhaustive', runs: 1, seed: 1, params: params(journal) });
        assert.equal(sim.verdict, 'violation');
        assert.equal(sim.property, 'every-worker-acquires');
        assert.equal(sim.counterexample?.steps.length, 12);
        const real = await replayOnReal(() => ticketsBinding.openReal('deferred', params(journal)), TICKETS_PROPERTIES, sim.counterexample!.schedule, sim.counterexample!.steps, true);
        assert.equal(real.mismatch, null, 'real SQLite took the same steps with the same outcomes');
        assert.equal(real.violation?.property, 'every-worker-acquires');
      });

      it('immediate: holds after every distinct world, with two or more workers contending for the write lock', async () => {
        const sim = await check(ticketsBinding, { variant: 'immediate', engine: 'sim', strategy: 'exhaustive', runs: 1, seed: 1, params: params(journal) });
        assert.equal(sim.verdict, 'holds');
        assert.ok((sim.notable['write-lock-contention'] ?? 0) > 0, 'the dangerous window was reached');
      });

      it('immediate on real SQLite: schedules covering every transition agree with the model and hold', async () => {
        const real = await check(ticketsBinding, { variant: 'immediate', engine: 'real', strategy: 'exhaustive', runs: 1, seed: 1, params: params(journal) });
        assert.equal(real.mismatch, null);
        assert.equal(real.verdict, 'holds');
        assert.ok(real.explored.schedules > 0);
      });

      for (const strategy of ['random', 'pct'] as const) {
        it(`deferred: ${strategy} finds the violation, and its counterexample fails the same way on real SQLite`, async () => {
          const sim = await check(ticketsBinding, { variant: 'deferred', engine: 'sim', strategy, runs: 200, seed: 7, params: params(journal) });
          assert.equal(sim.verdict, 'violation');
          const trace = sim.counterexample!;
          const real = await replayOnReal(() => ticketsBinding.openReal('deferred', params(journal)), TICKETS_PROPERTIES, trace.schedule, trace.steps, true);
          assert.equal(real.mismatch, null);
          assert.equal(real.violation?.property, sim.property);
        });
      }
    });
  }

  it('same seed, byte-identical trace (random and pct)', async () => {
    for (const strategy of ['random', 'pct'] as const) {
      const run = () => check(ticketsBinding, { variant: 'deferred', engine: 'sim', strategy, runs: 100, seed: 12345, params: params('delete') });
      assert.equal(JSON.stringify((await run()).counterexample), JSON.stringify((await run()).counterexample));
    }
  });

  it('a saved trace replays to the same steps and verdict on both engines', async () => {
    const sim = await check(ticketsBinding, { variant: 'deferred', engine: 'sim', strategy: 'exhaustive', runs: 1, seed: 1, params: params('wal') });
    const saved = JSON.parse(JSON.stringify(sim.counterexample)) as NonNullable<typeof sim.counterexample>;
    const model = createTicketsModel({ ...params('wal'), mode: 'deferred', workload: 'acquire', journal: 'wal' });
    const again = replaySchedule(model, TICKETS_PROPERTIES, saved.schedule);
    assert.deepEqual(plainSteps(again.steps), plainSteps(saved.steps));
    assert.equal(again.violation?.property, saved.property);
    const real = await replayOnReal(() => ticketsBinding.openReal('deferred', saved.params), TICKETS_PROPERTIES, saved.schedule, saved.steps, true);
    assert.deepEqual(plainSteps(real.steps), plainSteps(saved.steps));
    assert.equal(real.violation?.property, saved.property);
  });

  it('pins the exhaustive world counts of tickets/immediate for 2 to 6 workers (symmetry-reduced)', () => {
    const counts = [2, 3, 4, 5, 6].map((workers) => {
      const model = createTicketsModel({ workers, journal: 'delete', mode: 'immediate', workload: 'acquire', busyTimeoutMs: 5000 });
      const result = exploreExhaustively(model, TICKETS_PROPERTIES);
      assert.equal(result.verdict, 'holds');
      return [result.worlds, result.transitions];
    });
    assert.deepEqual(counts, [[13, 16], [25, 41], [41, 84], [61, 150], [85, 244]]);
  });

  it('8 workers: tickets/immediate completes exhaustively without reaching a limit', () => {
    for (const journal of ['delete', 'wal'] as const) {
      const model = createTicketsModel({ workers: 8, journal, mode: 'immediate', workload: 'acquire', busyTimeoutMs: 5000 });
      const result = exploreExhaustively(model, TICKETS_PROPERTIES);
      assert.equal(result.verdict, 'holds');
      assert.equal(result.limit, null);
    }
  });
});
