import assert from 'node:assert/strict';
import { explore, exhaustive, replay } from 'lockstep';
import { deferredRollback, deferredWal, immediateRollback, immediateWal } from '../tickets/tickets.scenario.js';

describe('Actifix tickets on three worker threads', () => {
  for (const [journal, deferred, immediate] of [['delete', deferredRollback, immediateRollback], ['wal', deferredWal, immediateWal]]) {
    describe(`journal ${journal}`, () => {
      let found;

      it('BEGIN DEFERRED: a thread gets SQLITE_BUSY at once despite its 30 s busy timeout', async function () {
        found = await explore(deferred, { strategy: exhaustive() });
        console.log(`      ${found.schedules} schedules explored`);
        assert.equal(found.verdict, 'violation', found.report);
        assert.ok(found.steps.some((s) => /^SQLITE_BUSY(_SNAPSHOT)? at once$/.test(s.outcome)), found.report);
        assert.equal(found.schedule.length, 12, found.report);
        console.log(found.report.replace(/^/gm, '      '));
      });

      it('the replay token reruns that schedule to the same failure', async () => {
        const again = await explore(deferred, { strategy: replay(found.replayToken) });
        assert.equal(again.verdict, 'violation');
        assert.deepEqual(again.steps, found.steps);
      });

      it('BEGIN IMMEDIATE: every thread gets its ticket in every schedule, and threads did wait for each other', async () => {
        const held = await explore(immediate, { strategy: exhaustive() });
        console.log(`      ${held.schedules} schedules explored`);
        assert.equal(held.verdict, 'holds', held.report);
        assert.ok(held.notable['busy-wait'] > 0);
      });
    });
  }
});
