/**
 * The singleton scenario (seed 004) end to end: the unguarded getter really creates two clients on both
 * engines with a shortest counterexample, the locked getter really holds exhaustively with another task asking
 * while one creates, random and pct find the bug, same seed gives the same trace, a saved trace replays on
 * both engines, the world counts are pinned, and the same real getter run under fast-check's own scheduler
 * (fc.scheduler) is compared with lockstep's schedules.
 */
import { plainSteps } from './plain-steps.js';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { check } from '../sim/check.js';
import { replayOnReal } from '../sim/real-replay.js';
import { replaySchedule } from '../sim/run-schedule.js';
import { singletonBinding } from '../sim/scenarios/singleton.binding.js';
import { exploreExhaustively } from '../sim/strategies/exhaustive-strategy.js';
import { SINGLETON_PROPERTIES } from '../properties/singleton.js';
import { createSingletonModel } from '../spec/singleton/singleton.model.js';
import { DirectSteps } from '../impl/async/task-steps.js';
import { ClientFactory, ClientSlot, getClientLocked, getClientUnguarded } from '../impl/singleton/client-getter.js';

const params = (tasks = 3) => ({ tasks });
const base = { runs: 1, seed: 1 } as const;

/**
 * The real getter under fc.scheduler: every gate of every task is a promise the scheduler releases in the
 * order it draws; after each release the property is judged (at most one client), so a failing run stops at
 * the first moment two clients exist. Returns fast-check's run report and the steps the failing run took.
 */
async function getterUnderFcScheduler(guard: 'unguarded' | 'locked', tasks: number, seed: number, numRuns: number) {
  const getClient = guard === 'locked' ? getClientLocked : getClientUnguarded;
  let stepsOfLastRun = 0;
  const details = await fc.check(
    fc.asyncProperty(fc.scheduler(), async (s) => {
      const slot = new ClientSlot();
      const factory = new ClientFactory();
      const calls = Array.from({ length: tasks }, (_, i) => {
        const steps = new DirectSteps(`task-${i}`, () => s.schedule(Promise.resolve(), `task-${i}`));
        return getClient(slot, { steps, createClient: factory.forTask(steps) });
      });
      let taken = 0;
      let oneClient = true;
      while (s.count() > 0) {
        await s.waitNext(1);
        taken++;
        if (factory.created.length > 1) {
          oneClient = false;
          break;
        }
      }
      await s.waitIdle();
      await Promise.all(calls);
      factory.closeAll();
      stepsOfLastRun = taken;
      return oneClient;
    }),
    { seed, numRuns },
  );
  return { failed: details.failed, numRuns: details.numRuns, numShrinks: details.numShrinks, steps: stepsOfLastRun, replay: String(details.counterexample?.[0] ?? '') };
}

describe('singleton (seed 004, luca-nrw-scraper)', function () {
  this.timeout(60_000);

  it('unguarded: exhaustive finds a shortest violation of one-client-created (4 steps), and the real getter fails the same way', async () => {
    const sim = await check(singletonBinding, { ...base, variant: 'unguarded', engine: 'sim', strategy: 'exhaustive', params: params() });
    assert.equal(sim.verdict, 'violation');
    assert.equal(sim.property, 'one-client-created');
    assert.deepEqual(sim.counterexample?.schedule, [0, 0, 1, 1]);
    assert.deepEqual(
      sim.counterexample?.steps.map((s) => `${s.actor} ${s.action} -> ${s.outcome}`),
      ['task-0 read client -> none', 'task-0 await createClient() -> client-1', 'task-1 read client -> none', 'task-1 await createClient() -> client-2'],
    );
    assert.ok((sim.notable['two-between-check-and-assign'] ?? 0) > 0);
    const real = await replayOnReal(() => singletonBinding.openReal('unguarded', params()), SINGLETON_PROPERTIES, sim.counterexample!.schedule, sim.counterexample!.steps, false);
    assert.equal(real.mismatch, null, 'the real getter took the same steps with the same outcomes');
    assert.equal(real.violation?.property, 'one-client-created');
  });

  it('unguarded on the real engine: schedules covering every transition agree with the model, and the violation is found', async () => {
    const real = await check(singletonBinding, { ...base, variant: 'unguarded', engine: 'real', strategy: 'exhaustive', params: params() });
    assert.equal(real.mismatch, null);
    assert.equal(real.verdict, 'violation');
    assert.equal(real.property, 'one-client-created');
    assert.equal(real.counterexample?.steps.length, 4);
  });

  it('locked: holds in every distinct world, and another task asked while one was between check and assignment', async () => {
    for (const tasks of [2, 3]) {
      const sim = await check(singletonBinding, { ...base, variant: 'locked', engine: 'sim', strategy: 'exhaustive', params: params(tasks) });
      assert.equal(sim.verdict, 'holds');
      assert.equal(sim.limit, null);
      assert.ok((sim.notable['another-asks-during-creation'] ?? 0) > 0, 'the dangerous window was reached');
      assert.equal(sim.notable['two-between-check-and-assign'], undefined, 'the lock keeps a second task out of the window');
    }
  });

  it('locked on the real engine: schedules covering every transition agree with the model and hold', async () => {
    for (const tasks of [2, 3]) {
      const real = await check(singletonBinding, { ...base, variant: 'locked', engine: 'real', strategy: 'exhaustive', params: params(tasks) });
      assert.equal(real.mismatch, null);
      assert.equal(real.verdict, 'holds');
      assert.ok(real.explored.schedules > 0);
      assert.ok((real.notable['another-asks-during-creation'] ?? 0) > 0);
    }
  });

  for (const strategy of ['random', 'pct'] as const) {
    it(`unguarded: ${strategy} finds the violation, and its counterexample fails the same way on the real getter`, async () => {
      const sim = await check(singletonBinding, { variant: 'unguarded', engine: 'sim', strategy, runs: 200, seed: 7, params: params() });
      assert.equal(sim.verdict, 'violation');
      const trace = sim.counterexample!;
      const real = await replayOnReal(() => singletonBinding.openReal('unguarded', params()), SINGLETON_PROPERTIES, trace.schedule, trace.steps, false);
      assert.equal(real.mismatch, null);
      assert.equal(real.violation?.property, sim.property);
    });
  }

  it('same seed, byte-identical trace (random and pct)', async () => {
    for (const strategy of ['random', 'pct'] as const) {
      const run = () => check(singletonBinding, { variant: 'unguarded', engine: 'sim', strategy, runs: 100, seed: 12345, params: params() });
      assert.equal(JSON.stringify((await run()).counterexample), JSON.stringify((await run()).counterexample));
    }
  });

  it('a saved trace replays to the same steps and verdict on both engines', async () => {
    const sim = await check(singletonBinding, { ...base, variant: 'unguarded', engine: 'sim', strategy: 'exhaustive', params: params(2) });
    const saved = JSON.parse(JSON.stringify(sim.counterexample)) as NonNullable<typeof sim.counterexample>;
    const again = replaySchedule(createSingletonModel({ tasks: 2, guard: 'unguarded' }), SINGLETON_PROPERTIES, saved.schedule);
    assert.deepEqual(plainSteps(again.steps), plainSteps(saved.steps));
    assert.equal(again.violation?.property, saved.property);
    const real = await replayOnReal(() => singletonBinding.openReal('unguarded', saved.params), SINGLETON_PROPERTIES, saved.schedule, saved.steps, false);
    assert.deepEqual(plainSteps(real.steps), plainSteps(saved.steps));
    assert.equal(real.violation?.property, saved.property);
  });

  it('pins the exhaustive world counts for 2 to 4 tasks (locked: every world and the worlds in its dangerous window; unguarded: up to the first violation, then every world)', () => {
    const counts = [2, 3, 4].map((tasks) => {
      const locked = exploreExhaustively(createSingletonModel({ tasks, guard: 'locked' }), SINGLETON_PROPERTIES);
      assert.equal(locked.verdict, 'holds');
      const unguarded = createSingletonModel({ tasks, guard: 'unguarded' });
      const first = exploreExhaustively(unguarded, SINGLETON_PROPERTIES);
      const all = exploreExhaustively(unguarded, SINGLETON_PROPERTIES, undefined, { continueAfterViolation: true });
      assert.equal(first.verdict, 'violation');
      return { tasks, locked: [locked.worlds, locked.transitions], window: locked.notable, unguardedFirst: first.worlds, unguardedAll: [all.worlds, all.transitions] };
    });
    assert.deepEqual(counts, PINNED_COUNTS);
  });

  describe("as upstream: get_client has no await (sync-unguarded @ f68737a, sync-asyncio-lock @ 5cb4a38), and a thread lock", () => {
    const threads = (tasks = 3) => ({ tasks, runtime: 'threads' });

    for (const variant of ['sync-unguarded', 'sync-asyncio-lock', 'sync-thread-lock']) {
      it(`${variant} on one event loop: the call is one step, so one client in every order, on both engines`, async () => {
        for (const engine of ['sim', 'real'] as const) {
          const result = await check(singletonBinding, { ...base, variant, engine, strategy: 'exhaustive', params: params() });
          assert.equal(result.mismatch, null);
          assert.equal(result.verdict, 'holds', `${variant} on ${engine}`);
          assert.ok((result.notable['callers-while-slot-empty'] ?? 0) > 0, 'several callers were pending while the slot was empty');
          assert.equal(result.notable['two-between-check-and-assign'], undefined);
        }
      });
    }

    it('sync-unguarded on threads, each with its own loop: two clients in 4 steps, on real worker threads too', async () => {
      const sim = await check(singletonBinding, { ...base, variant: 'sync-unguarded', engine: 'sim', strategy: 'exhaustive', params: threads() });
      assert.equal(sim.verdict, 'violation');
      assert.equal(sim.property, 'one-client-created');
      assert.deepEqual(
        sim.counterexample?.steps.map((s) => `${s.actor} ${s.action} -> ${s.outcome}`),
        ['task-0 read client -> none', 'task-0 create client -> client-1', 'task-1 read client -> none', 'task-1 create client -> client-2'],
      );
      const real = await check(singletonBinding, { ...base, variant: 'sync-unguarded', engine: 'real', strategy: 'exhaustive', params: threads() });
      assert.equal(real.mismatch, null);
      assert.equal(real.property, 'one-client-created');
      assert.equal(real.counterexample?.steps.length, 4);
    });

    it('sync-asyncio-lock on threads: the lock binds to the first loop that waits, and the next thread that must wait gets RuntimeError (3 steps), on real worker threads too', async () => {
      const sim = await check(singletonBinding, { ...base, variant: 'sync-asyncio-lock', engine: 'sim', strategy: 'exhaustive', params: threads() });
      assert.equal(sim.verdict, 'violation');
      assert.equal(sim.property, 'no-getter-raises');
      assert.deepEqual(sim.counterexample?.schedule, [0, 1, 2]);
      assert.equal(sim.counterexample?.steps[2]?.outcome, "RuntimeError: the lock is bound to task-1's loop");
      assert.equal(sim.notable['two-between-check-and-assign'], undefined, 'the lock still keeps a second thread out of check-and-assign');
      const real = await check(singletonBinding, { ...base, variant: 'sync-asyncio-lock', engine: 'real', strategy: 'exhaustive', params: threads() });
      assert.equal(real.mismatch, null);
      assert.equal(real.property, 'no-getter-raises');
      assert.deepEqual(plainSteps(real.counterexample?.steps ?? []), plainSteps(sim.counterexample?.steps ?? []));
    });

    it("sync-asyncio-lock with 2 threads: the waiter is handed the lock from the other thread, its loop is never woken, and it never goes on (6 steps), on both engines", async () => {
      for (const engine of ['sim', 'real'] as const) {
        const result = await check(singletonBinding, { ...base, variant: 'sync-asyncio-lock', engine, strategy: 'exhaustive', params: threads(2) });
        assert.equal(result.mismatch, null);
        assert.equal(result.verdict, 'violation', engine);
        assert.equal(result.property, 'no-deadlock');
        assert.equal(result.counterexample?.steps.at(-1)?.outcome, 'handed to task-1');
        assert.equal(result.counterexample?.steps.length, 6);
      }
    });

    it('sync-thread-lock on threads: one client on every covering schedule of the real threads, with another thread asking during the creation', async () => {
      for (const engine of ['sim', 'real'] as const) {
        const result = await check(singletonBinding, { ...base, variant: 'sync-thread-lock', engine, strategy: 'exhaustive', params: threads() });
        assert.equal(result.mismatch, null);
        assert.equal(result.verdict, 'holds', engine);
        assert.ok((result.notable['another-asks-during-creation'] ?? 0) > 0);
      }
    });

    it("lockstep's awaited getters have no thread form: the model refuses them on threads, saying why", () => {
      for (const variant of ['unguarded', 'locked']) assert.throws(() => singletonBinding.model(variant, threads()), /awaited getter .* is for one event loop/);
    });

    it('pins the world counts of the synchronous getter (3 callers)', () => {
      const counts = (['async', 'threads'] as const).flatMap((runtime) =>
        (['sync-unguarded', 'sync-asyncio-lock', 'sync-thread-lock'] as const).map((variant) => {
          const all = exploreExhaustively(singletonBinding.model(variant, { tasks: 3, runtime }), SINGLETON_PROPERTIES, undefined, { continueAfterViolation: true });
          return `${variant} on ${runtime}: ${all.worlds} worlds, ${all.transitions} transitions`;
        }),
      );
      assert.deepEqual(counts, [
        'sync-unguarded on async: 13 worlds, 15 transitions',
        'sync-asyncio-lock on async: 13 worlds, 15 transitions',
        'sync-thread-lock on async: 13 worlds, 15 transitions',
        'sync-unguarded on threads: 77 worlds, 96 transitions',
        'sync-asyncio-lock on threads: 127 worlds, 153 transitions',
        'sync-thread-lock on threads: 127 worlds, 195 transitions',
      ]);
    });
  });

  describe('compared with fast-check\'s scheduler (fc.scheduler) on the same real getter', () => {
    it('unguarded: fc.scheduler finds two clients too; with seed 42 it needs 2 runs, does not shrink, and its failing run took 5 steps', async () => {
      const found = await getterUnderFcScheduler('unguarded', 3, 42, 100);
      assert.equal(found.failed, true);
      assert.deepEqual({ numRuns: found.numRuns, numShrinks: found.numShrinks, steps: found.steps }, { numRuns: 2, numShrinks: 0, steps: 5 });
      assert.match(found.replay, /^schedulerFor\(\)`/, 'fast-check prints the order that replays the failure');
    });

    it('lockstep with the same seed: exhaustive proves 4 steps shortest; random needs 2 schedules and shrinks to 5 steps; pct needs 5 schedules', async () => {
      const exhaustive = await check(singletonBinding, { ...base, variant: 'unguarded', engine: 'sim', strategy: 'exhaustive', params: params() });
      const random = await check(singletonBinding, { variant: 'unguarded', engine: 'sim', strategy: 'random', runs: 1000, seed: 42, params: params() });
      const pct = await check(singletonBinding, { variant: 'unguarded', engine: 'sim', strategy: 'pct', runs: 1000, seed: 42, params: params() });
      assert.deepEqual(
        {
          exhaustive: { worlds: exhaustive.explored.states, steps: exhaustive.counterexample?.steps.length },
          random: { schedules: random.explored.schedules, shrinks: random.explored.shrinks, steps: random.counterexample?.steps.length },
          pct: { schedules: pct.explored.schedules, steps: pct.counterexample?.steps.length },
        },
        { exhaustive: { worlds: 24, steps: 4 }, random: { schedules: 2, shrinks: 3, steps: 5 }, pct: { schedules: 5, steps: 6 } },
      );
    });

    it('locked: fc.scheduler finds no second client in 300 runs of the real getter (its real waiting, not the lock-step driver)', async () => {
      const held = await getterUnderFcScheduler('locked', 3, 42, 300);
      assert.equal(held.failed, false);
      assert.equal(held.numRuns, 300);
    });
  });
});

const PINNED_COUNTS = [
  { tasks: 2, locked: [27, 34], window: { 'another-asks-during-creation': 8 }, unguardedFirst: 13, unguardedAll: [18, 20] },
  { tasks: 3, locked: [127, 195], window: { 'another-asks-during-creation': 30 }, unguardedFirst: 24, unguardedAll: [77, 96] },
  { tasks: 4, locked: [649, 1124], window: { 'another-asks-during-creation': 128 }, unguardedFirst: 40, unguardedAll: [312, 408] },
];
