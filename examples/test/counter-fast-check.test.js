// The same race found from inside our own fast-check property: fast-check draws the schedule (its seed, its
// path, its shrinking), lockstep runs it on real SQLite.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { explore, openExplorer, scheduleChoices } from 'lockstep';
import { readModifyWrite } from '../counter/counter.scenario.js';

describe('the hit counter in a fast-check property', () => {
  const explorer = openExplorer(readModifyWrite);
  after(() => explorer.close());

  it('fast-check finds the lost update and shrinks it to at most the shortest schedule + 2 steps', async () => {
    let failure = null;
    try {
      await fc.assert(
        fc.asyncProperty(scheduleChoices(), async (choices) => {
          const outcome = await explorer.run(choices);
          return outcome.holds;
        }),
        { seed: 2026, numRuns: 200 },
      );
    } catch (error) {
      failure = error;
    }
    assert.ok(failure !== null, 'fast-check found no failing schedule');
    // fast-check reports the shrunk choices; run them again for the table.
    const shrunk = JSON.parse(/Counterexample: \[(.*)\]\n/.exec(failure.message)[1]);
    const outcome = await explorer.run(shrunk);
    assert.equal(outcome.holds, false);
    const shortest = (await explore(readModifyWrite)).schedule.length;
    assert.ok(outcome.schedule.length <= shortest + 2, `shrunk to ${outcome.schedule.length} steps; the shortest has ${shortest}`);
    console.log(outcome.report.replace(/^/gm, '    '));
  });
});
