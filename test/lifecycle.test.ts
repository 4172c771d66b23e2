/**
 * The lifecycle scenario (seed 000, VoxLogicA-2) end to end: missing-complete and event-cleanup really violate
 * every-waiter-gets-the-result on both engines with a shortest counterexample; fixed really holds exhaustively
 * with 3 workers, the notifier and a late waiter, on the model and on real SQLite, with the dangerous windows
 * reached; the crash-after-claim fault and its finding; random and pct are deterministic; a saved trace replays
 * on both engines; the symmetry reduction changes no verdict; the exhaustive world counts are pinned.
 */
import assert from 'node:assert/strict';
import { check } from '../sim/check.js';
import { replayOnReal } from '../sim/real-replay.js';
import { replaySchedule } from '../sim/run-schedule.js';
import { lifecycleBinding } from '../sim/scenarios/lifecycle.binding.js';
import { exploreExhaustively } from '../sim/strategies/exhaustive-strategy.js';
import type { ScenarioModel, WorldKey } from '../spec/scenario-model.js';
import { atMostOneExecutor, everyWaiterGetsTheResult, LIFECYCLE_PROPERTIES } from '../properties/lifecycle.js';
import { createLifecycleModel, type LifecycleFault, type LifecycleWorld } from '../spec/lifecycle/lifecycle.model.js';
import type { LifecycleObservation } from '../spec/lifecycle/lifecycle.observation.js';
import { openLifecycleRun, type LifecycleVariant } from '../impl/lifecycle/lifecycle.real-engine.js';
import { findScenario } from '../properties/catalogue.js';

const VARIANTS = ['missing-complete', 'fixed', 'event-cleanup'] as const;
const params = (workers = 3, fault: LifecycleFault = 'none', staleMs = 3_600_000, stallMs = 3_700_000, lateWaiters = 1) => ({
  workers,
  lateWaiters,
  fault,
  waitTimeoutMs: 300_000,
  pollMs: 100,
  staleMs,
  stallMs,
});
const modelOf = (variant: LifecycleVariant, p = params()) => lifecycleBinding.model(variant, p);
const sim = (variant: LifecycleVariant, p = params()) => check(lifecycleBinding, { variant, engine: 'sim', strategy: 'exhaustive', runs: 1, seed: 1, params: p });
const real = (variant: LifecycleVariant, p = params()) => check(lifecycleBinding, { variant, engine: 'real', strategy: 'exhaustive', runs: 1, seed: 1, params: p });

/** Runs `schedule` on a fresh real run and returns its final observation; always closes. */
async function realObservation(variant: LifecycleVariant, p: ReturnType<typeof params>, schedule: readonly number[]): Promise<LifecycleObservation> {
  const run = await openLifecycleRun({ variant, ...p });
  try {
    for (const actor of schedule) await run.step(actor);
    return run.observe();
  } finally {
    await run.close();
  }
}

describe('lifecycle (seed 000, VoxLogicA-2)', function () {
  this.timeout(300_000);

  for (const [variant, length] of [
    ['missing-complete', 9],
    ['event-cleanup', 11],
  ] as const) {
    it(`${variant}: exhaustive finds a shortest violation of every-waiter-gets-the-result (${length} steps), and real SQLite fails the same way`, async () => {
      const found = await sim(variant);
      assert.equal(found.verdict, 'violation');
      assert.equal(found.property, 'every-waiter-gets-the-result');
      assert.match(found.message!, /late-waiter timed-out although the result is stored \(status running\)/);
      const trace = found.counterexample!;
      assert.equal(trace.steps.length, length);
      const replay = await replayOnReal(() => lifecycleBinding.openReal(variant, params()), LIFECYCLE_PROPERTIES, trace.schedule, trace.steps, true);
      assert.equal(replay.mismatch, null, 'real code took the same steps with the same outcomes');
      assert.equal(replay.violation?.property, 'every-waiter-gets-the-result');
      assert.equal(replay.violation?.message, found.message);
    });
  }

  it('missing-complete: the notifier can fire in no world at all, because the row never reads completed (fixed: it can)', () => {
    const canFire = (variant: LifecycleVariant): number => {
      const model = modelOf(variant);
      const notifier = model.actors.indexOf('notifier');
      const watched = { ...model, notable: (w: LifecycleWorld) => (model.enabled(w).includes(notifier) ? ['notifier-can-fire'] : []) };
      const explored = exploreExhaustively(watched, [atMostOneExecutor]);
      assert.equal(explored.verdict, 'holds');
      return explored.notable['notifier-can-fire'] ?? 0;
    };
    assert.equal(canFire('missing-complete'), 0);
    assert.ok(canFire('fixed') > 0);
  });

  it("event-cleanup, the seed's story: a woken waiter pops the event, then the late waiter creates a fresh one nobody sets", async () => {
    // worker-0 claims; worker-1 loses and waits on the operation's event; worker-0 executes, stores and sets it;
    // worker-1 wakes and pops it; worker-2 finds the result; the late waiter creates a fresh event and times out.
    const schedule = [0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 2, 3, 3, 3];
    const model = modelOf('event-cleanup');
    const run = replaySchedule(model, LIFECYCLE_PROPERTIES, schedule);
    const said = run.steps.map((s) => `${s.actor} ${s.action} -> ${s.outcome}`);
    assert.ok(said.includes('worker-1 get event -> created'));
    assert.ok(said.includes('worker-0 set event -> set'));
    assert.ok(said.includes('worker-1 pop event -> removed'));
    assert.ok(said.includes('late-waiter get event -> created'));
    assert.ok(said.includes('late-waiter check event -> timed out at t=300s'));
    assert.equal(run.violation?.property, 'every-waiter-gets-the-result');
    const replay = await replayOnReal(() => lifecycleBinding.openReal('event-cleanup', params()), LIFECYCLE_PROPERTIES, schedule, run.steps, true);
    assert.equal(replay.mismatch, null);
    assert.equal(replay.violation?.property, 'every-waiter-gets-the-result');
  });

  it('fixed: holds over every distinct world with 3 workers, the notifier and a late waiter, with the dangerous windows reached', async () => {
    const result = await sim('fixed');
    assert.equal(result.verdict, 'holds');
    assert.equal(result.limit, null);
    assert.deepEqual(lifecycleBinding.model('fixed', params()).actors, ['worker-0', 'worker-1', 'worker-2', 'late-waiter', 'notifier']);
    assert.ok((result.notable['waiter-waiting-while-result-stored'] ?? 0) > 0, 'a waiter waited while the result was stored');
    assert.ok((result.notable['waiter-waiting-between-store-and-complete'] ?? 0) > 0, 'a waiter waited between store and mark_completed');
    assert.ok((result.notable['two-waiters-at-once'] ?? 0) > 0);
    // Pinned (docs/lifecycle.md quotes them).
    assert.deepEqual([result.explored.states, result.explored.transitions], [566, 1344]);
    assert.deepEqual(result.notable, { 'waiter-waiting-while-result-stored': 144, 'waiter-waiting-between-store-and-complete': 27, 'two-waiters-at-once': 124 });
  });

  it('more or fewer late waiters: without any, a losing worker is the one that times out (on both engines); fixed holds with two', async () => {
    const none = params(3, 'none', 3_600_000, 3_700_000, 0);
    const found = await sim('missing-complete', none);
    assert.equal(found.message, 'worker-1 timed-out although the result is stored (status running)');
    const replay = await replayOnReal(() => lifecycleBinding.openReal('missing-complete', none), LIFECYCLE_PROPERTIES, found.counterexample!.schedule, found.counterexample!.steps, true);
    assert.equal(replay.mismatch, null);
    assert.equal(replay.violation?.message, found.message);
    const two = params(3, 'none', 3_600_000, 3_700_000, 2);
    assert.deepEqual(lifecycleBinding.model('fixed', two).actors, ['worker-0', 'worker-1', 'worker-2', 'late-waiter-0', 'late-waiter-1', 'notifier']);
    const fixed = await sim('fixed', two);
    assert.equal(fixed.verdict, 'holds');
    assert.deepEqual([fixed.explored.states, fixed.explored.transitions], [2637, 8091]);
    assert.equal((await sim('missing-complete', two)).property, 'every-waiter-gets-the-result');
  });

  it('fixed on real SQLite: schedules covering every transition agree with the model step by step and hold', async () => {
    const result = await real('fixed');
    assert.equal(result.mismatch, null);
    assert.equal(result.verdict, 'holds');
    assert.equal(result.explored.transitions, 1344);
    assert.equal(result.explored.schedules, 785);
  });

  describe('fault crash-after-claim (the claimant dies before executing; a worker starts after the stale threshold)', () => {
    for (const variant of VARIANTS) {
      it(`${variant}: the waiters time out after 300 s, on both engines; the late worker deletes the stale claim and executes once`, async () => {
        const p = params(3, 'crash-after-claim');
        const found = await sim(variant, p);
        assert.equal(found.verdict, 'violation');
        assert.equal(found.property, 'every-waiter-gets-the-result');
        assert.match(found.message!, /^worker-1 timed-out, worker-2 timed-out although the result is stored/);
        const trace = found.counterexample!;
        assert.equal(trace.steps.length, { 'missing-complete': 20, fixed: 21, 'event-cleanup': 23 }[variant]);
        const said = trace.steps.map((s) => `${s.actor} ${s.action} -> ${s.outcome}`);
        assert.ok(said.includes('worker-0 execute -> crashed'));
        assert.ok(said.includes('late-worker DELETE stale claims -> deleted 1 at t=3601s'));
        const replay = await replayOnReal(() => lifecycleBinding.openReal(variant, p), LIFECYCLE_PROPERTIES, trace.schedule, trace.steps, true);
        assert.equal(replay.mismatch, null);
        assert.equal(replay.violation?.property, 'every-waiter-gets-the-result');
        const observed = await realObservation(variant, p, trace.schedule);
        assert.deepEqual(observed.executions, ['late-worker'], 'executed once, by the late worker: never twice');
      });
    }

    it('at-most-one-executor holds over every world under the fault, on every variant', () => {
      for (const variant of VARIANTS) {
        const explored = exploreExhaustively(modelOf(variant, params(3, 'crash-after-claim')), [atMostOneExecutor]);
        assert.equal(explored.verdict, 'holds', variant);
      }
    });

    it('a stale threshold that passes before the wait timeout saves the fixed code (not the others), on both engines', async () => {
      const p = params(3, 'crash-after-claim', 60_000);
      const fixed = await real('fixed', p);
      assert.equal(fixed.mismatch, null);
      assert.equal(fixed.verdict, 'holds');
      assert.equal((await sim('fixed', p)).verdict, 'holds');
      for (const variant of ['missing-complete', 'event-cleanup'] as const) {
        const broken = await real(variant, p);
        assert.equal(broken.mismatch, null);
        assert.equal(broken.property, 'every-waiter-gets-the-result', variant);
      }
      // 300 s + 1 s is already too late.
      assert.equal((await sim('fixed', params(3, 'crash-after-claim', 300_000))).property, 'every-waiter-gets-the-result');
    });
  });

  describe('fault stall-after-claim (the claimant sleeps 3700 s with its claim held; a worker starts after the stale threshold)', () => {
    for (const variant of VARIANTS) {
      it(`${variant}: the late worker deletes the live claim as stale and executes, then the sleeper executes again, on both engines`, async () => {
        const p = params(3, 'stall-after-claim');
        const found = await sim(variant, p);
        assert.equal(found.verdict, 'violation');
        assert.equal(found.property, 'at-most-one-executor');
        assert.equal(found.message, 'the operation was executed 2 times: by late-worker, worker-0');
        const trace = found.counterexample!;
        assert.equal(trace.steps.length, { 'missing-complete': 21, fixed: 23, 'event-cleanup': 24 }[variant]);
        const said = trace.steps.map((s) => `${s.actor} ${s.action} -> ${s.outcome}`);
        assert.ok(said.includes('late-worker DELETE stale claims -> deleted 1 at t=3601s'));
        assert.deepEqual(said.slice(-2), ['worker-0 stall -> resumed at t=3700s', 'worker-0 execute -> ok']);
        const replay = await replayOnReal(() => lifecycleBinding.openReal(variant, p), LIFECYCLE_PROPERTIES, trace.schedule, trace.steps, false);
        assert.equal(replay.mismatch, null);
        assert.equal(replay.violation?.property, 'at-most-one-executor');
        assert.deepEqual((await realObservation(variant, p, trace.schedule)).executions, ['late-worker', 'worker-0']);
      });
    }

    it('a stall shorter than the wait timeout and the threshold is harmless to the fixed code, on both engines', async () => {
      const p = params(3, 'stall-after-claim', 3_600_000, 100_000);
      assert.equal((await sim('fixed', p)).verdict, 'holds');
      const fixed = await real('fixed', p);
      assert.equal(fixed.mismatch, null);
      assert.equal(fixed.verdict, 'holds');
    });
  });

  for (const strategy of ['random', 'pct'] as const) {
    it(`${strategy}: finds the violations, same seed gives the same trace byte for byte, and the trace fails the same way on real code`, async () => {
      for (const variant of ['missing-complete', 'event-cleanup'] as const) {
        const run = () => check(lifecycleBinding, { variant, engine: 'sim', strategy, runs: 100, seed: 12345, params: params() });
        const first = await run();
        assert.equal(first.property, 'every-waiter-gets-the-result');
        assert.equal(JSON.stringify(first.counterexample), JSON.stringify((await run()).counterexample));
        const trace = first.counterexample!;
        const replay = await replayOnReal(() => lifecycleBinding.openReal(variant, params()), LIFECYCLE_PROPERTIES, trace.schedule, trace.steps, true);
        assert.equal(replay.mismatch, null);
        assert.equal(replay.violation?.property, first.property);
      }
    });
  }

  it('a saved trace replays to the same steps and verdict on both engines', async () => {
    const found = await sim('missing-complete');
    const saved = JSON.parse(JSON.stringify(found.counterexample)) as NonNullable<typeof found.counterexample>;
    const again = replaySchedule(lifecycleBinding.model(saved.variant, saved.params), LIFECYCLE_PROPERTIES, saved.schedule);
    assert.deepEqual(again.steps, saved.steps);
    assert.equal(again.violation?.property, saved.property);
    const replay = await replayOnReal(() => lifecycleBinding.openReal(saved.variant, saved.params), LIFECYCLE_PROPERTIES, saved.schedule, saved.steps, true);
    assert.deepEqual(replay.steps, saved.steps);
    assert.equal(replay.violation?.property, saved.property);
  });

  it('the symmetry-reduced key changes no verdict and no notable window (against a key that tells workers apart)', () => {
    const unreduced = (model: ScenarioModel<LifecycleWorld, LifecycleObservation>): ScenarioModel<LifecycleWorld, LifecycleObservation> => ({
      ...model,
      key: (w) =>
        JSON.stringify([
          w.programs.map((p) => [p.value, p.context.woke]),
          w.row,
          w.events,
          w.held,
          w.processes,
          w.deadlines,
          w.clock,
          w.executions,
        ]) as WorldKey,
    });
    for (const variant of VARIANTS) {
      // Two late waiters too, except on fixed, whose unreduced space (77621 worlds) would take seconds.
      const cases: readonly (readonly [LifecycleFault, number])[] = [['none', 1], ...(variant === 'fixed' ? [] : [['none', 2] as const]), ['crash-after-claim', 1], ['stall-after-claim', 1]];
      for (const [fault, lateWaiters] of cases) {
        const model = modelOf(variant, params(3, fault, 3_600_000, 3_700_000, lateWaiters));
        const reduced = exploreExhaustively(model, [atMostOneExecutor, everyWaiterGetsTheResult], undefined, { continueAfterViolation: true });
        const full = exploreExhaustively(unreduced(model), [atMostOneExecutor, everyWaiterGetsTheResult], undefined, { continueAfterViolation: true });
        assert.equal(reduced.verdict, full.verdict, `${variant}/${fault}/${lateWaiters}`);
        assert.equal(reduced.violation?.property, full.violation?.property);
        assert.deepEqual(Object.keys(reduced.notable).sort(), Object.keys(full.notable).sort());
        assert.ok(full.worlds >= reduced.worlds);
      }
    }
  });

  it('every documented run of the catalogue (each variant at the defaults and under its further parameters) behaves as documented on sim, and on real SQLite in agreement', async () => {
    const entry = findScenario('lifecycle')!;
    const defaults = Object.fromEntries(lifecycleBinding.params.map((p) => [p.name, p.default]));
    let documented = 0;
    for (const variant of entry.variants) {
      for (const run of [{ params: {}, expected: variant.expected }, ...(variant.alsoUnder ?? [])]) {
        const p = { ...defaults, ...run.params };
        const engines = variant.name === 'fixed' && Object.keys(run.params).length === 0 ? (['sim'] as const) : (['sim', 'real'] as const); // fixed/real: above
        for (const engine of engines) {
          const result = await check(lifecycleBinding, { variant: variant.name, engine, strategy: 'exhaustive', runs: 1, seed: 1, params: p });
          const label = `${variant.name} ${JSON.stringify(run.params)} on ${engine}`;
          assert.equal(result.mismatch, null, label);
          assert.equal(result.verdict, run.expected.verdict, label);
          if (run.expected.verdict === 'violation') assert.equal(result.property, run.expected.property, label);
        }
        documented++;
      }
    }
    assert.equal(documented, 11);
  });

  it('pins the exhaustive world counts (symmetry-reduced)', () => {
    const count = (variant: LifecycleVariant, p: ReturnType<typeof params>) => {
      const result = exploreExhaustively(modelOf(variant, p), LIFECYCLE_PROPERTIES, undefined, { continueAfterViolation: true });
      return [result.worlds, result.transitions];
    };
    assert.deepEqual([2, 3, 4, 5].map((w) => count('fixed', params(w))), [[94, 158], [566, 1344], [2868, 8918], [12750, 49404]]);
    assert.deepEqual(count('missing-complete', params()), [100, 220]);
    assert.deepEqual(count('event-cleanup', params()), [437, 930]);
    assert.deepEqual(VARIANTS.map((v) => count(v, params(3, 'crash-after-claim'))), [[57, 123], [58, 124], [60, 126]]);
    assert.deepEqual(VARIANTS.map((v) => count(v, params(3, 'stall-after-claim'))), [[44, 86], [46, 88], [47, 89]]);
  });

  it('the properties are not vacuous: two executions break at-most-one-executor, a crashed actor is excused', () => {
    const base: LifecycleObservation = {
      actors: [
        { name: 'worker-0', role: 'worker', status: 'crashed' },
        { name: 'worker-1', role: 'worker', status: 'done' },
      ],
      executions: ['worker-1'],
      status: 'completed',
      resultStored: true,
    };
    assert.equal(atMostOneExecutor.check(base), null);
    assert.equal(everyWaiterGetsTheResult.check(base), null);
    assert.equal(atMostOneExecutor.check({ ...base, executions: ['worker-0', 'worker-1'] }), 'the operation was executed 2 times: by worker-0, worker-1');
    assert.equal(
      everyWaiterGetsTheResult.check({ ...base, actors: [{ name: 'late-waiter', role: 'waiter', status: 'timed-out' }] }),
      'late-waiter timed-out although the result is stored (status completed)',
    );
  });
});
