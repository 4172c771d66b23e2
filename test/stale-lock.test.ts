/**
 * The stale-lock scenario (seed 003, bolt) end to end: check-then-remove really violates mutual-exclusion on
 * both engines with a shortest counterexample (real child processes, a really killed holder, real files), the
 * tombstone variant really holds exhaustively on both engines with the dangerous window reached (two
 * contenders both saw the dead pid), random and pct find the bug, same seed gives the same trace, a saved
 * trace replays on both engines, and the exhaustive world counts are pinned.
 */
import { plainSteps } from './plain-steps.js';
import assert from 'node:assert/strict';
import { check } from '../sim/check.js';
import { replayOnReal } from '../sim/real-replay.js';
import { replaySchedule } from '../sim/run-schedule.js';
import { staleLockBinding } from '../sim/scenarios/stale-lock.binding.js';
import { exploreExhaustively } from '../sim/strategies/exhaustive-strategy.js';
import { STALE_LOCK_PROPERTIES } from '../properties/stale-lock.js';
import { createStaleLockModel } from '../spec/stale-lock/stale-lock.model.js';
import { closeSharedStaleLockProcesses } from '../impl/stale-lock/stale-lock-processes.js';

const params = { contenders: 2, maxTries: 2 };
const open = (variant: string, p: Record<string, number> = params) => () => staleLockBinding.openReal(variant, p);

describe('stale-lock (seed 003, bolt)', function () {
  this.timeout(120_000);
  after(() => closeSharedStaleLockProcesses());

  it('check-then-remove: exhaustive finds a shortest violation of mutual-exclusion, and real processes fail the same way', async () => {
    const sim = await check(staleLockBinding, { variant: 'check-then-remove', engine: 'sim', strategy: 'exhaustive', runs: 1, seed: 1, params });
    assert.equal(sim.verdict, 'violation');
    assert.equal(sim.property, 'mutual-exclusion');
    const trace = sim.counterexample!;
    assert.equal(trace.steps.length, 10);
    assert.deepEqual(trace.schedule, [0, 0, 1, 1, 0, 0, 0, 1, 1, 1]);
    assert.ok((sim.notable['both-saw-stale'] ?? 0) > 0);
    const real = await replayOnReal(open('check-then-remove'), STALE_LOCK_PROPERTIES, trace.schedule, trace.steps, false);
    assert.equal(real.mismatch, null, 'the real processes took the same steps with the same outcomes');
    assert.equal(real.violation?.property, 'mutual-exclusion');
    assert.match(real.violation!.message, /worker-0 and worker-1 both hold the lock/);
  });

  it('check-then-remove on real: schedules covering every transition agree with the model, and the violation is found', async () => {
    const real = await check(staleLockBinding, { variant: 'check-then-remove', engine: 'real', strategy: 'exhaustive', runs: 1, seed: 1, params });
    assert.equal(real.mismatch, null);
    assert.equal(real.verdict, 'violation');
    assert.equal(real.property, 'mutual-exclusion');
    assert.equal(real.counterexample?.engine, 'real');
    assert.ok(real.explored.schedules > 0);
  });

  it('tombstone: holds after every distinct world, with two contenders both holding the dead pid at once', async () => {
    const sim = await check(staleLockBinding, { variant: 'tombstone', engine: 'sim', strategy: 'exhaustive', runs: 1, seed: 1, params });
    assert.equal(sim.verdict, 'holds');
    assert.equal(sim.limit, null);
    assert.ok((sim.notable['both-saw-stale'] ?? 0) > 0, 'the dangerous window was reached');
    assert.equal(sim.notable['lock-file-lost'] ?? 0, 0);
  });

  it('tombstone on real: schedules covering every transition agree with the model and hold', async () => {
    const real = await check(staleLockBinding, { variant: 'tombstone', engine: 'real', strategy: 'exhaustive', runs: 1, seed: 1, params });
    assert.equal(real.mismatch, null);
    assert.equal(real.verdict, 'holds');
    assert.ok(real.explored.schedules > 0);
    assert.ok((real.notable['both-saw-stale'] ?? 0) > 0);
  });

  for (const strategy of ['random', 'pct'] as const) {
    it(`check-then-remove: ${strategy} finds the violation, and its counterexample fails the same way on real processes`, async () => {
      const sim = await check(staleLockBinding, { variant: 'check-then-remove', engine: 'sim', strategy, runs: 300, seed: 7, params });
      assert.equal(sim.verdict, 'violation');
      const trace = sim.counterexample!;
      const real = await replayOnReal(open('check-then-remove'), STALE_LOCK_PROPERTIES, trace.schedule, trace.steps, false);
      assert.equal(real.mismatch, null);
      assert.equal(real.violation?.property, sim.property);
    });
  }

  it('same seed, byte-identical trace (random and pct)', async () => {
    for (const strategy of ['random', 'pct'] as const) {
      const run = () => check(staleLockBinding, { variant: 'check-then-remove', engine: 'sim', strategy, runs: 300, seed: 12345, params });
      const first = await run();
      assert.notEqual(first.counterexample, null);
      assert.equal(JSON.stringify(first.counterexample), JSON.stringify((await run()).counterexample));
    }
  });

  it('a saved trace replays to the same steps and verdict on both engines', async () => {
    const sim = await check(staleLockBinding, { variant: 'check-then-remove', engine: 'sim', strategy: 'exhaustive', runs: 1, seed: 1, params });
    const saved = JSON.parse(JSON.stringify(sim.counterexample)) as NonNullable<typeof sim.counterexample>;
    const model = createStaleLockModel({ variant: 'check-then-remove', contenders: 2, maxTries: 2 });
    const again = replaySchedule(model, STALE_LOCK_PROPERTIES, saved.schedule);
    assert.deepEqual(plainSteps(again.steps), plainSteps(saved.steps));
    assert.equal(again.violation?.property, saved.property);
    const real = await replayOnReal(open('check-then-remove', saved.params as Record<string, number>), STALE_LOCK_PROPERTIES, saved.schedule, saved.steps, false);
    assert.deepEqual(plainSteps(real.steps), plainSteps(saved.steps));
    assert.equal(real.violation?.property, saved.property);
  });

  it('three contenders: check-then-remove still fails in 10 steps; tombstone holds with the window reached', () => {
    const bad = exploreExhaustively(createStaleLockModel({ variant: 'check-then-remove', contenders: 3, maxTries: 2 }), STALE_LOCK_PROPERTIES);
    assert.equal(bad.verdict, 'violation');
    assert.equal(bad.schedule?.length, 10);
    const good = exploreExhaustively(createStaleLockModel({ variant: 'tombstone', contenders: 3, maxTries: 3 }), STALE_LOCK_PROPERTIES);
    assert.equal(good.verdict, 'holds');
    assert.ok((good.notable['both-saw-stale'] ?? 0) > 0);
  });

  it('pins the exhaustive world counts of stale-lock/tombstone (contenders x tries, symmetry-reduced)', () => {
    const counts = [
      [2, 2],
      [2, 3],
      [3, 2],
      [3, 3],
      [4, 2],
    ].map(([contenders, maxTries]) => {
      const result = exploreExhaustively(createStaleLockModel({ variant: 'tombstone', contenders: contenders!, maxTries: maxTries! }), STALE_LOCK_PROPERTIES);
      assert.equal(result.verdict, 'holds');
      return [result.worlds, result.transitions, result.notable['both-saw-stale'] ?? 0];
    });
    assert.deepEqual(counts, [
      [58, 88, 3],
      [105, 155, 4],
      [282, 614, 28],
      [783, 1704, 54],
      [1023, 2918, 182],
    ]);
  });
});
