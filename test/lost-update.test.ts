/**
 * The lost-update scenario (seed 004) end to end: the unguarded read-modify-write really loses a failure on
 * both engines with a shortest counterexample, the locked one really holds exhaustively with another task
 * updating the same host while one is between its read and its write, random and pct find the bug, same seed
 * gives the same trace, a saved trace replays on both engines, and the world counts are pinned.
 */
import { plainSteps } from './plain-steps.js';
import assert from 'node:assert/strict';
import { check } from '../sim/check.js';
import { replayOnReal } from '../sim/real-replay.js';
import { replaySchedule } from '../sim/run-schedule.js';
import { lostUpdateBinding } from '../sim/scenarios/lost-update.binding.js';
import { exploreExhaustively } from '../sim/strategies/exhaustive-strategy.js';
import { LOST_UPDATE_PROPERTIES } from '../properties/lost-update.js';
import { createLostUpdateModel } from '../spec/lost-update/lost-update.model.js';

const params = (tasks = 3, hosts = 2) => ({ tasks, hosts });
const base = { runs: 1, seed: 1 } as const;

describe('lost-update (seed 004, luca-nrw-scraper)', function () {
  this.timeout(60_000);

  it('unguarded: exhaustive finds a shortest violation of no-lost-update (6 steps), and the real code loses the same failure', async () => {
    const sim = await check(lostUpdateBinding, { ...base, variant: 'unguarded', engine: 'sim', strategy: 'exhaustive', params: params() });
    assert.equal(sim.verdict, 'violation');
    assert.equal(sim.property, 'no-lost-update');
    assert.deepEqual(sim.counterexample?.schedule, [0, 0, 2, 0, 2, 2]);
    assert.equal(sim.counterexample?.steps.at(-1)?.outcome, 'failures 1, penalty 30 s', 'the second penalty writes the count the first already wrote');
    assert.ok((sim.notable['two-between-read-and-write'] ?? 0) > 0);
    const real = await replayOnReal(() => lostUpdateBinding.openReal('unguarded', params()), LOST_UPDATE_PROPERTIES, sim.counterexample!.schedule, sim.counterexample!.steps, false);
    assert.equal(real.mismatch, null, 'the real code took the same steps with the same outcomes');
    assert.equal(real.violation?.property, 'no-lost-update');
  });

  it('unguarded on the real engine: schedules covering every transition agree with the model, and the violation is found', async () => {
    const real = await check(lostUpdateBinding, { ...base, variant: 'unguarded', engine: 'real', strategy: 'exhaustive', params: params() });
    assert.equal(real.mismatch, null);
    assert.equal(real.verdict, 'violation');
    assert.equal(real.property, 'no-lost-update');
    assert.equal(real.counterexample?.steps.length, 6);
  });

  it('locked: holds in every distinct world, and another task updated the same host while one was between read and write', async () => {
    for (const [tasks, hosts] of [[2, 1], [3, 1], [3, 2]] as const) {
      const sim = await check(lostUpdateBinding, { ...base, variant: 'locked', engine: 'sim', strategy: 'exhaustive', params: params(tasks, hosts) });
      assert.equal(sim.verdict, 'holds');
      assert.equal(sim.limit, null);
      assert.ok((sim.notable['another-updates-same-host-during-window'] ?? 0) > 0, 'the dangerous window was reached');
      assert.equal(sim.notable['two-between-read-and-write'], undefined, 'the lock keeps a second update of the host out of the window');
    }
  });

  it('locked on the real engine: schedules covering every transition agree with the model and hold', async () => {
    for (const [tasks, hosts] of [[2, 1], [3, 2]] as const) {
      const real = await check(lostUpdateBinding, { ...base, variant: 'locked', engine: 'real', strategy: 'exhaustive', params: params(tasks, hosts) });
      assert.equal(real.mismatch, null);
      assert.equal(real.verdict, 'holds');
      assert.ok(real.explored.schedules > 0);
    }
  });

  for (const strategy of ['random', 'pct'] as const) {
    it(`unguarded: ${strategy} finds the violation, and its counterexample fails the same way on the real code`, async () => {
      const sim = await check(lostUpdateBinding, { variant: 'unguarded', engine: 'sim', strategy, runs: 500, seed: 7, params: params() });
      assert.equal(sim.verdict, 'violation');
      const trace = sim.counterexample!;
      const real = await replayOnReal(() => lostUpdateBinding.openReal('unguarded', params()), LOST_UPDATE_PROPERTIES, trace.schedule, trace.steps, false);
      assert.equal(real.mismatch, null);
      assert.equal(real.violation?.property, sim.property);
    });
  }

  it('same seed, byte-identical trace (random and pct)', async () => {
    for (const strategy of ['random', 'pct'] as const) {
      const run = () => check(lostUpdateBinding, { variant: 'unguarded', engine: 'sim', strategy, runs: 200, seed: 12345, params: params() });
      const first = await run();
      assert.equal(first.verdict, 'violation');
      assert.equal(JSON.stringify(first.counterexample), JSON.stringify((await run()).counterexample));
    }
  });

  it('a saved trace replays to the same steps and verdict on both engines', async () => {
    const sim = await check(lostUpdateBinding, { ...base, variant: 'unguarded', engine: 'sim', strategy: 'exhaustive', params: params(2, 1) });
    const saved = JSON.parse(JSON.stringify(sim.counterexample)) as NonNullable<typeof sim.counterexample>;
    const again = replaySchedule(createLostUpdateModel({ tasks: 2, hosts: 1, guard: 'unguarded' }), LOST_UPDATE_PROPERTIES, saved.schedule);
    assert.deepEqual(plainSteps(again.steps), plainSteps(saved.steps));
    assert.equal(again.violation?.property, saved.property);
    const real = await replayOnReal(() => lostUpdateBinding.openReal('unguarded', saved.params), LOST_UPDATE_PROPERTIES, saved.schedule, saved.steps, false);
    assert.deepEqual(plainSteps(real.steps), plainSteps(saved.steps));
    assert.equal(real.violation?.property, saved.property);
  });

  describe('runtime threads: worker threads over shared memory, a thread switch where the async code awaits', () => {
    const threads = { tasks: 2, hosts: 1, runtime: 'threads' };

    it('unguarded: the shortest counterexample replays on real worker threads, every step agreeing, and loses the same failure', async () => {
      const sim = await check(lostUpdateBinding, { ...base, variant: 'unguarded', engine: 'sim', strategy: 'exhaustive', params: threads });
      assert.equal(sim.verdict, 'violation');
      assert.deepEqual(sim.counterexample?.schedule, [0, 0, 1, 0, 1, 1]);
      assert.equal(sim.counterexample?.steps[1]?.action, 'metrics.record()', 'on a thread the report is not awaited');
      const real = await replayOnReal(() => lostUpdateBinding.openReal('unguarded', threads), LOST_UPDATE_PROPERTIES, sim.counterexample!.schedule, sim.counterexample!.steps, false);
      assert.equal(real.mismatch, null);
      assert.equal(real.violation?.property, 'no-lost-update');
    });

    it('locked: schedules covering every transition agree with the model on real threads and hold, the window reached', async () => {
      const real = await check(lostUpdateBinding, { ...base, variant: 'locked', engine: 'real', strategy: 'exhaustive', params: threads });
      assert.equal(real.mismatch, null);
      assert.equal(real.verdict, 'holds');
      assert.ok(real.explored.schedules > 0);
      assert.ok((real.notable['another-updates-same-host-during-window'] ?? 0) > 0);
    });
  });

  describe('as upstream: _penalize_host has no await (sync-unguarded @ f68737a, sync-thread-lock @ 5cb4a38)', () => {
    for (const variant of ['sync-unguarded', 'sync-thread-lock']) {
      it(`${variant} on one event loop: the call is one step, so no failure is lost in any order, on both engines`, async () => {
        for (const engine of ['sim', 'real'] as const) {
          const result = await check(lostUpdateBinding, { ...base, variant, engine, strategy: 'exhaustive', params: params() });
          assert.equal(result.mismatch, null);
          assert.equal(result.verdict, 'holds', `${variant} on ${engine}`);
          assert.ok((result.notable['two-penalties-of-one-host-pending'] ?? 0) > 0, 'two penalties of one host were pending at once');
          assert.equal(result.notable['two-between-read-and-write'], undefined, 'no step comes between the read and the write');
        }
      });
    }

    it('sync-unguarded on worker threads: a switch between the read and the write loses a failure (4 steps), on the real threads too', async () => {
      const threads = { ...params(), runtime: 'threads' };
      const sim = await check(lostUpdateBinding, { ...base, variant: 'sync-unguarded', engine: 'sim', strategy: 'exhaustive', params: threads });
      assert.equal(sim.verdict, 'violation');
      assert.equal(sim.property, 'no-lost-update');
      assert.deepEqual(sim.counterexample?.schedule, [0, 2, 0, 2]);
      assert.deepEqual(
        sim.counterexample?.steps.map((s) => `${s.actor} ${s.action}`),
        ['task-0 read host-a', 'task-2 read host-a', 'task-0 write host-a', 'task-2 write host-a'],
      );
      const real = await replayOnReal(() => lostUpdateBinding.openReal('sync-unguarded', threads), LOST_UPDATE_PROPERTIES, sim.counterexample!.schedule, sim.counterexample!.steps, false);
      assert.equal(real.mismatch, null);
      assert.equal(real.violation?.property, 'no-lost-update');
    });

    it('sync-thread-lock on worker threads: holds on every covering schedule of the real threads, with the window reached', async () => {
      const threads = { tasks: 2, hosts: 1, runtime: 'threads' };
      for (const engine of ['sim', 'real'] as const) {
        const result = await check(lostUpdateBinding, { ...base, variant: 'sync-thread-lock', engine, strategy: 'exhaustive', params: threads });
        assert.equal(result.mismatch, null);
        assert.equal(result.verdict, 'holds', engine);
        assert.ok((result.notable['another-updates-same-host-during-window'] ?? 0) > 0);
      }
    });

    it('pins the world counts of the synchronous body (3 tasks, 2 hosts)', () => {
      const counts = (['async', 'threads'] as const).flatMap((runtime) =>
        (['unguarded', 'locked'] as const).map((guard) => {
          const all = exploreExhaustively(createLostUpdateModel({ tasks: 3, hosts: 2, guard, runtime, body: 'sync' }), LOST_UPDATE_PROPERTIES, undefined, { continueAfterViolation: true });
          return `${runtime} ${guard}: ${all.worlds} worlds, ${all.transitions} transitions`;
        }),
      );
      assert.deepEqual(counts, [
        'async unguarded: 8 worlds, 12 transitions',
        'async locked: 8 worlds, 12 transitions',
        'threads unguarded: 39 worlds, 66 transitions',
        'threads locked: 119 worlds, 182 transitions',
      ]);
    });
  });

  it('pins the exhaustive world counts (locked: every world and the worlds in its dangerous window; unguarded: up to the first violation, then every world)', () => {
    const counts = ([[2, 1], [3, 1], [3, 2], [4, 2]] as const).map(([tasks, hosts]) => {
      const locked = exploreExhaustively(createLostUpdateModel({ tasks, hosts, guard: 'locked' }), LOST_UPDATE_PROPERTIES);
      assert.equal(locked.verdict, 'holds');
      const unguarded = createLostUpdateModel({ tasks, hosts, guard: 'unguarded' });
      const first = exploreExhaustively(unguarded, LOST_UPDATE_PROPERTIES);
      const all = exploreExhaustively(unguarded, LOST_UPDATE_PROPERTIES, undefined, { continueAfterViolation: true });
      assert.equal(first.verdict, 'violation');
      return { tasks, hosts, locked: [locked.worlds, locked.transitions], window: locked.notable, unguardedFirst: first.worlds, unguardedAll: [all.worlds, all.transitions] };
    });
    assert.deepEqual(counts, PINNED_COUNTS);
  });
});

const PINNED_COUNTS = [
  { tasks: 2, hosts: 1, locked: [31, 38], window: { 'another-updates-same-host-during-window': 8 }, unguardedFirst: 21, unguardedAll: [22, 28] },
  { tasks: 3, hosts: 1, locked: [166, 243], window: { 'another-updates-same-host-during-window': 54 }, unguardedFirst: 70, unguardedAll: [171, 273] },
  { tasks: 3, hosts: 2, locked: [150, 231], window: { 'another-updates-same-host-during-window': 28 }, unguardedFirst: 60, unguardedAll: [88, 175] },
  { tasks: 4, hosts: 2, locked: [781, 1356], window: { 'another-updates-same-host-during-window': 240 }, unguardedFirst: 146, unguardedAll: [483, 1176] },
];
