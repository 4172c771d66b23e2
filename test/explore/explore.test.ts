/**
 * explore() on user code through the public API (sim/index.ts), with no model: the Actifix ticket repository on
 * worker threads and an async request handler. Every verdict is computed here by real runs on real SQLite.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { exhaustive, explore, openExplorer, pct, random, replay, scheduleChoices } from '../../sim/index.js';
import * as counter from './counter-scenario.fixture.js';
import * as tickets from './tickets-scenario.fixture.js';

describe('explore() on user code', () => {
  describe('tickets (seed 002) on worker threads', () => {
    it('DEFERRED: a worker gets SQLITE_BUSY at once despite a 30 s busy timeout; the shortest schedule has 12 steps; its token replays it', async () => {
      const found = await explore(tickets.deferredDelete, { strategy: exhaustive() });
      assert.equal(found.verdict, 'violation', found.report);
      assert.equal(found.property, 'check');
      assert.equal(found.schedule?.length, 12, found.report);
      assert.ok(found.steps.some((s) => s.outcome === 'SQLITE_BUSY at once'), found.report);
      assert.deepEqual(found.disagreements, []);
      assert.match(found.table, /RESERVED/);
      const again = await explore(tickets.deferredDelete, { strategy: replay(found.replayToken!) });
      assert.equal(again.verdict, 'violation');
      assert.deepEqual(again.steps, found.steps);
      assert.equal(again.message, found.message);
    });

    it('IMMEDIATE holds over every schedule, and the writers did meet (some BEGIN IMMEDIATE waited)', async () => {
      const held = await explore(tickets.immediateDelete);
      assert.equal(held.verdict, 'holds', held.report);
      assert.ok(held.schedules > 100, `only ${held.schedules} schedules`);
      assert.ok((held.notable['busy-wait'] ?? 0) > 0, 'no run had a BEGIN IMMEDIATE wait: the writers never met');
      assert.deepEqual(held.disagreements, []);
    });
  });

  describe('an async read-modify-write handler', () => {
    it('loses an update, in a 6-step shortest schedule', async () => {
      const found = await explore(counter.lostUpdate);
      assert.equal(found.verdict, 'violation', found.report);
      assert.equal(found.schedule?.length, 6);
      assert.match(found.message ?? '', /counter says 1/);
    });

    for (const fixed of [counter.atomic, counter.immediate]) {
      it(`${fixed.name} holds`, async () => {
        const held = await explore(fixed);
        assert.equal(held.verdict, 'holds', held.report);
      });
    }

    it('random and pct find the lost update too; the same seed gives the same schedule', async () => {
      const a = await explore(counter.lostUpdate, { strategy: random({ runs: 50, seed: 7 }) });
      const b = await explore(counter.lostUpdate, { strategy: random({ runs: 50, seed: 7 }) });
      assert.equal(a.verdict, 'violation');
      assert.deepEqual(a.schedule, b.schedule);
      const p = await explore(counter.lostUpdate, { strategy: pct({ runs: 50, seed: 3 }) });
      assert.equal(p.verdict, 'violation');
    });

    it("inside a user's own fast-check property, shrinks to at most the exhaustive shortest + 2 steps", async () => {
      const shortest = (await explore(counter.lostUpdate)).schedule!.length;
      const explorer = openExplorer(counter.lostUpdate);
      try {
        const details = await fc.check(
          fc.asyncProperty(scheduleChoices(), async (choices) => (await explorer.run(choices)).holds),
          { seed: 42, numRuns: 100 },
        );
        assert.ok(details.failed, 'fast-check found no lost update');
        const shrunk = await explorer.run(details.counterexample![0]);
        assert.equal(shrunk.holds, false);
        assert.ok(shrunk.schedule.length <= shortest + 2, `shrunk to ${shrunk.schedule.length} steps, shortest is ${shortest}`);
      } finally {
        await explorer.close();
      }
    });
  });
});
