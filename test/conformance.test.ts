/**
 * The model earns trust by conformance (DESIGN.md): seeded random lock scripts through the model and through
 * real SQLite, compared step by step (1,000 per journal mode), and a sample of 100 scripts whose `wouldWait`
 * claims are checked against real timing (a waited SQLITE_BUSY takes the busy timeout, a fast one far less).
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LockStepPool, measureWouldWait } from '../impl/lock-step/index.js';
import { checkConformance, describeFailure } from '../properties/conformance.js';
import { lockScriptArbitrary } from '../properties/lock-script.arbitrary.js';
import { predict } from '../spec/sqlite/predict.js';

const SEED = 20261122;

describe('conformance: the SQLite model against real SQLite', function () {
  this.timeout(300_000);
  const pool = new LockStepPool();
  after(() => pool.close());

  for (const journal of ['delete', 'wal'] as const) {
    it(`1,000 random scripts, journal ${journal}, seed ${SEED}: zero disagreements, with contention met`, () => {
      const report = checkConformance({ count: 1000, seed: SEED, journal, runReal: (script) => pool.run(script) });
      assert.equal(report.disagreements, 0, report.counterexample ? describeFailure(report.counterexample) : '');
      assert.equal(report.runs, 1000);
      assert.ok(report.busyCompared > 500, `only ${report.busyCompared} busy outcomes: the scripts barely met a lock`);
    });
  }

  it("100 scripts: every busy outcome's wouldWait matches whether real SQLite's busy handler waited", () => {
    const scripts = fc.sample(lockScriptArbitrary({ maxSteps: 24, maxConnections: 4 }), { seed: SEED, numRuns: 100 });
    let busy = 0;
    let waited = 0;
    for (const script of scripts) {
      const model = predict(script);
      const timed = measureWouldWait(script, { timeoutMs: 100 });
      timed.forEach((step, i) => {
        if (step.waited === undefined) return;
        busy++;
        if (step.waited) waited++;
        assert.equal(model[i]!.wouldWait, step.waited, `script ${JSON.stringify(script)} step ${i + 1}: model wouldWait ${model[i]!.wouldWait}, real took ${step.elapsedMs.toFixed(2)} ms`);
      });
    }
    assert.ok(busy >= 30 && waited > 0 && waited < busy, `the sample met ${busy} busy outcomes, ${waited} of them waited: both kinds must occur`);
  });
});
