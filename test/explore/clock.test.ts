/**
 * The virtual clock in user code (issue 14), through the public API: one clock for the main thread and every
 * actor thread, timers that fire when the schedule advances the clock, busy timeouts in virtual time, declared
 * jumps, time in reports and replay tokens, the real globals back after every run, and code waiting on something
 * the clock cannot advance reported after the stall bound. Every verdict here is computed by real runs.
 */
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { setTimeout as sleepFor } from 'node:timers/promises';
import { defineScenario, explore, exhaustive, parseReplayToken, pct, replay, ReplayTokenError, type AsyncActorContext } from '../../sim/index.js';
import { childProcess, mainThreadReadings, nativeSleep, ONE_CLOCK_START, oneClock, sleepyThreads } from './clock-scenario.fixture.js';

const RealDate = Date;
const realSetTimeout = setTimeout;
const realPerformanceNow = performance.now;
const setup = (db: Database.Database): void => {
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER NOT NULL, at INTEGER); INSERT INTO t VALUES (1, 0, NULL)');
};
/** The same scenario with a check that fails at the end of every run, so that a replay reports the run it made. */
const showingTheRun = <S extends { name: string }>(scenario: S): S => ({ ...scenario, check: () => 'shown' });
const globalsAreReal = (): void => {
  assert.equal(Date, RealDate, 'Date is still faked');
  assert.equal(setTimeout, realSetTimeout, 'setTimeout is still faked');
  assert.equal(performance.now, realPerformanceNow, 'performance.now is still faked');
  assert.ok(Date.now() > Date.UTC(2020, 0, 1));
};

describe('the virtual clock in user code', () => {
  afterEach(globalsAreReal);

  it('is one clock: two worker threads and the main thread read the same virtual time at the same step', async () => {
    mainThreadReadings.length = 0;
    // thread-a, clock+1m, thread-b, clock+1m, thread-a, thread-b
    const run = await explore(showingTheRun(oneClock), { strategy: replay('ls2:one-clock:2:delete:5000:start=1893456000000,by=60000,max=2:0.3.1.3.0.1') });
    assert.equal(run.message, 'shown', run.report);
    assert.deepEqual(run.steps.map((s) => [s.actor, s.clock]), [['thread-a', 0], ['clock+1m', 60_000], ['thread-b', 60_000], ['clock+1m', 120_000], ['thread-a', 120_000], ['thread-b', 120_000]]);
    // The main thread (the invariant) read, after every step, the time the report gives for that step.
    assert.deepEqual(
      mainThreadReadings.map((r) => [r.step, r.at, r.perf]),
      run.steps.map((s, i) => [i + 1, ONE_CLOCK_START + s.clock, s.clock]),
    );
    assert.match(run.report, /virtual clock starts at 2030-01-01T00:00:00.000Z, may jump by 1m \(at most 2 jumps a run\)/);
  });

  it("the threads' own readings agree with the main thread's at every step", async () => {
    mainThreadReadings.length = 0;
    let rows: { actor: string; at: number; perf: number }[] = [];
    const scenario = defineScenario({ ...oneClock, name: 'one-clock', check: ({ db }) => void (rows = db.prepare('SELECT actor, at, perf FROM seen ORDER BY rowid').all() as typeof rows) });
    const run = await explore(scenario, { strategy: replay('ls2:one-clock:2:delete:5000:start=1893456000000,by=60000,max=2:0.3.1.3.0.1') });
    assert.equal(run.verdict, 'holds', run.report);
    assert.deepEqual(rows, [
      { actor: 'thread-a', at: ONE_CLOCK_START, perf: 0 },
      { actor: 'thread-b', at: ONE_CLOCK_START + 60_000, perf: 60_000 },
      { actor: 'thread-a', at: ONE_CLOCK_START + 120_000, perf: 120_000 },
      { actor: 'thread-b', at: ONE_CLOCK_START + 120_000, perf: 120_000 },
    ]);
    const mainAt = mainThreadReadings.filter((r) => [1, 3, 5, 6].includes(r.step)).map((r) => r.at);
    assert.deepEqual(mainAt, rows.map((r) => r.at));
  });

  it('a worker thread that awaits a timer sleeps until the schedule advances the clock to it', async () => {
    const result = await explore(sleepyThreads);
    assert.equal(result.verdict, 'holds', result.report);
    // The busy thread's insert before the clock step, or after it and before or after the napper's insert.
    assert.equal(result.schedules, 3);
    const one = await explore(showingTheRun(sleepyThreads), { strategy: replay('ls2:sleepy-threads:2:delete:5000:start=0:2.0.1') });
    assert.deepEqual(one.steps.map((s) => [s.actor, s.action, s.outcome, s.clock]), [
      ['clock', 'advance to the next timer: 1m30s, to 0:01:30', 'napper wakes', 90_000],
      ['napper', 'INSERT INTO seen (actor, at, perf) VALUES (?, ?, ?)', 'ok, 1 changed', 90_000],
      ['busy', 'INSERT INTO seen (actor, at, perf) VALUES (?, ?, ?)', 'ok, 1 changed', 90_000],
    ]);
  });

  describe('async runtime timers', () => {
    const readings: Record<string, number[]> = {};
    const timers = defineScenario({
      name: 'timers',
      runtime: 'async',
      setup,
      actors: {
        napper: async (ctx: AsyncActorContext) => {
          const db = ctx.open();
          await new Promise((resolve) => setTimeout(resolve, 60_000));
          await db.prepare('UPDATE t SET v = v + 1, at = ? WHERE id = 1').run(Date.now());
        },
        ticker: async (ctx: AsyncActorContext) => {
          const db = ctx.open();
          const ticks: number[] = [];
          await new Promise<void>((resolve) => {
            const handle = setInterval(() => {
              ticks.push(performance.now());
              if (ticks.length === 3) {
                clearInterval(handle);
                resolve();
              }
            }, 30_000);
          });
          readings['ticker'] = ticks;
          await db.prepare('UPDATE t SET v = v + 1 WHERE id = 1').run();
        },
        promises: async (ctx: AsyncActorContext) => {
          const db = ctx.open();
          await sleepFor(45_000); // node:timers/promises, imported before the clock was installed
          readings['promises'] = [Date.now()];
          await db.prepare('UPDATE t SET v = v + 1 WHERE id = 1').run();
        },
      },
      check: ({ db }) => (db.prepare('SELECT v FROM t').get() as { v: number }).v === 3,
    });

    it('setTimeout, setInterval, clearInterval and node:timers/promises fire on the clock, in order; the run never idles', async () => {
      const started = RealDate.now();
      const result = await explore(timers, { strategy: exhaustive() });
      assert.equal(result.verdict, 'holds', result.report);
      assert.ok(RealDate.now() - started < 60_000, 'the 90 s of virtual time took real time');
      const one = await explore(showingTheRun(timers), { strategy: replay('ls2:timers:3:delete:5000:start=0:3.3.2.3.0.3.1') });
      assert.deepEqual(one.steps.map((s) => [s.actor, s.outcome, s.clock]), [
        ['clock', 'nobody wakes', 30_000],
        ['clock', 'promises wakes', 45_000],
        ['promises', 'ok, 1 changed', 45_000],
        ['clock', 'napper wakes', 60_000],
        ['napper', 'ok, 1 changed', 60_000],
        ['clock', 'ticker wakes', 90_000],
        ['ticker', 'ok, 1 changed', 90_000],
      ]);
      assert.deepEqual(readings, { ticker: [30_000, 60_000, 90_000], promises: [45_000] });
      assert.match(one.table, /^#\s+time\s+actor/);
      assert.match(one.table, /0:01:30\s+clock\s+advance to the next timer: 30s, to 0:01:30\s+ticker wakes/);
    });

    it('the same seed gives the same trace, clock steps included', async () => {
      const a = await explore(timers, { strategy: pct({ runs: 20, seed: 9 }) });
      const b = await explore(timers, { strategy: pct({ runs: 20, seed: 9 }) });
      assert.equal(a.verdict, 'holds');
      const broken = defineScenario({ ...timers, name: 'timers-broken', check: ({ db }) => (db.prepare('SELECT at FROM t').get() as { at: number }).at !== 60_000 || 'the napper wrote at 1 min' });
      const c = await explore(broken, { strategy: pct({ runs: 20, seed: 9 }) });
      const d = await explore(broken, { strategy: pct({ runs: 20, seed: 9 }) });
      assert.equal(c.verdict, 'violation', c.report);
      assert.deepEqual(c.steps, d.steps);
      assert.equal(c.replayToken, d.replayToken);
      assert.deepEqual(a.schedules, b.schedules);
    });
  });

  describe('busy timeouts run on the same clock', () => {
    const holdAndNap = (busyTimeoutMs: number) =>
      defineScenario({
        name: `hold-and-nap-${busyTimeoutMs}`,
        runtime: 'async',
        busyTimeoutMs,
        setup,
        actors: {
          holder: async (ctx: AsyncActorContext) => {
            const db = ctx.open();
            await db.exec('BEGIN IMMEDIATE');
            await new Promise((resolve) => setTimeout(resolve, 60_000)); // holds the write lock for a minute
            await db.exec('COMMIT');
          },
          waiter: async (ctx: AsyncActorContext) => {
            await ctx.open().prepare('UPDATE t SET v = v + 1 WHERE id = 1').run();
          },
        },
      });

    it('a 5 s busy timeout runs out at 0:00:05 while the holder naps for a minute', async () => {
      const result = await explore(holdAndNap(5000));
      assert.equal(result.verdict, 'violation', result.report);
      assert.equal(result.message, 'waiter threw SqliteError (SQLITE_BUSY): database is locked');
      const timedOut = result.steps.find((s) => s.outcome === 'SQLITE_BUSY after the busy timeout');
      assert.equal(timedOut?.clock, 5000, result.report);
    });

    it('a 2 min busy timeout outlasts the nap: the waiter gets in after the commit at 0:01:00', async () => {
      const result = await explore(holdAndNap(120_000));
      assert.equal(result.verdict, 'holds', result.report);
      assert.ok(result.schedules >= 2);
    });
  });

  describe('declared jumps', () => {
    const lease = (advances: number[]) =>
      defineScenario({
        name: 'lease',
        runtime: 'async',
        clock: { advances },
        setup,
        actors: {
          holder: async (ctx: AsyncActorContext) => {
            const db = ctx.open();
            await db.prepare('UPDATE t SET at = ? WHERE id = 1').run(Date.now() + 300_000); // a 5-minute lease
            await ctx.point('work');
            await db.prepare('UPDATE t SET v = v + 1 WHERE id = 1').run();
          },
          thief: async (ctx: AsyncActorContext) => {
            const db = ctx.open();
            await ctx.point('poll');
            const now = Date.now();
            await db.prepare('UPDATE t SET v = v + 1 WHERE id = 1 AND at IS NOT NULL AND at < ?').run(now);
          },
        },
        check: ({ db }) => (db.prepare('SELECT v FROM t').get() as { v: number }).v <= 1 || 'the job was done twice',
      });

    it('without a declared duration time never moves (no timer is pending), so the lease never expires', async () => {
      const result = await explore(lease([]));
      assert.equal(result.verdict, 'holds', result.report);
    });

    it('with the lease length (plus 1 ms) declared, a jump past it is one more choice, and the lease expires', async () => {
      const result = await explore(lease([300_001]));
      assert.equal(result.verdict, 'violation', result.report);
      assert.ok(result.steps.some((s) => s.actor === 'clock+5m1ms' && s.action === 'advance by 5m1ms: 5m1ms, to 0:05:00.001'), result.report);
      const token = parseReplayToken(result.replayToken!);
      assert.equal(token.clock, 'start=0,by=300001');
      const again = await explore(lease([300_001]), { strategy: replay(result.replayToken!) });
      assert.deepEqual(again.steps, result.steps);
    });

    it('a token made for other durations does not fit', async () => {
      const found = await explore(lease([300_001]));
      process.env.LOCKSTEP_REPLAY = found.replayToken!;
      try {
        await assert.rejects(explore(lease([600_000])), (error: unknown) => {
          assert.ok(error instanceof ReplayTokenError);
          assert.equal(error.message, 'the replay token does not fit the scenario: it was made for clock start=0,by=300001, not start=0,by=600000');
          return true;
        });
      } finally {
        delete process.env.LOCKSTEP_REPLAY;
      }
    });
  });

  describe('code waiting on something the clock cannot advance', () => {
    it('a native sleep (Atomics.wait) in a thread: reported by actor and step after the stall bound', async () => {
      const started = RealDate.now();
      const result = await explore(nativeSleep, { stallTimeoutMs: 2000 });
      assert.equal(result.verdict, 'error');
      assert.equal(result.fault, 'stall');
      assert.match(result.message ?? '', /^sleeper \(last step: "INSERT INTO seen VALUES \('sleeper', 0, 0\)"\) did not come back within 2000 ms \(stallTimeoutMs\): it awaits something lockstep does not control \(I\/O, a socket, a native sleep such as Atomics.wait, a child process/);
      assert.ok(RealDate.now() - started < 60_000);
    });

    it('a child process on the async runtime: reported by actor and step after the stall bound, not a hang', async () => {
      const result = await explore(childProcess, { stallTimeoutMs: 300 });
      assert.equal(result.fault, 'stall', result.report);
      assert.match(result.message ?? '', /^spawner \(last step: "INSERT INTO seen VALUES \('spawner', 0, 0\)"\) did not come back within 300 ms/);
      await sleepFor(1600); // let the child finish
    });
  });

  describe('the real globals come back', () => {
    it('after an actor threw and after a check threw', async () => {
      let fakedInside = false;
      const thrower = defineScenario({
        name: 'thrower',
        runtime: 'async',
        setup,
        actors: {
          only: async () => {
            fakedInside = Date !== RealDate && setTimeout !== realSetTimeout;
            throw new Error('boom');
          },
        },
      });
      assert.equal((await explore(thrower)).verdict, 'violation');
      assert.ok(fakedInside, 'the actor ran on the wall clock');
      globalsAreReal();
      const checkThrows = defineScenario({ name: 'check-throws', runtime: 'async', setup, actors: { only: async (ctx) => ctx.open().prepare('SELECT 1').get() }, check: () => { throw new TypeError('no'); } });
      assert.equal((await explore(checkThrows)).fault, 'check-threw');
    });

    it('clock: false keeps the wall clock inside the actors', async () => {
      let seen = 0;
      const wall = defineScenario({ name: 'wall', runtime: 'async', clock: false, setup, actors: { only: async (ctx) => { seen = Date.now(); await ctx.open().prepare('SELECT 1').get(); } } });
      const result = await explore(wall);
      assert.equal(result.verdict, 'holds');
      assert.ok(seen > Date.UTC(2020, 0, 1));
      assert.match(result.report, /wall clock/);
    });
  });

  describe('bad definitions and tokens', () => {
    it('defineScenario names what is wrong with clock, and refuses an actor named clock', () => {
      assert.throws(() => defineScenario({ name: 'x', runtime: 'async', clock: { advances: [0] }, actors: { a: async () => undefined } }), { name: 'TypeError', message: 'defineScenario "x": clock.advances must be an array of durations in whole ms, each more than 0' });
      assert.throws(() => defineScenario({ name: 'x', runtime: 'async', clock: { maxAdvances: -1 }, actors: { a: async () => undefined } }), { message: 'defineScenario "x": clock.maxAdvances must be a whole number, 0 or more' });
      assert.throws(() => defineScenario({ name: 'x', runtime: 'async', actors: { clock: async () => undefined } }), { message: 'defineScenario "x": "clock" is the name of lockstep\'s clock in schedules and reports: give the actor another name' });
    });

    it('a token whose clock field or schedule cannot be read is refused, naming what is accepted', () => {
      assert.throws(() => parseReplayToken('ls2:x:2:delete:5000:sometime:0.1'), /the clock must be off or start=<ms>\[,by=<ms>...\]\[,max=<n>\]/);
      assert.throws(() => parseReplayToken('ls2:x:2:delete:5000:start=0:0.3'), /names a choice beyond the 2 actors and 1 clock choices it declares/);
      assert.deepEqual(parseReplayToken('ls2:x:2:delete:5000:start=0:0.2.1').schedule, [0, 2, 1]);
      assert.equal(parseReplayToken('ls1:x:2:delete:5000:0.1').clock, 'start=0');
    });
  });
});
