/**
 * The conformance machinery: comparing outcomes, the lock-script arbitrary (valid, misuse-rich, bounded), the
 * search for a disagreement (found, shrunk to a minimal script, deterministic per seed), and finally the claim
 * itself: the model agrees with real SQLite step by step on random scripts.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { runLockScript } from '../../impl/lock-step/run-lock-script.js';
import {
  checkConformance,
  compareOutcomes,
  conformanceProperty,
  ConformanceError,
  describeFailure,
  type LockEngine,
} from '../../properties/conformance.js';
import { lockScriptArbitrary } from '../../properties/lock-script.arbitrary.js';
import type { LockScript, StepOutcome } from '../../spec/sqlite/lock-script.js';
import { parseLockScripts } from '../../spec/sqlite/lock-script.parse.js';
import { predict } from '../../spec/sqlite/predict.js';

const SEED = Number(process.env['LOCKSTEP_SEED'] ?? 20_260_101);

const ONE_STEP: LockScript = { journal: 'delete', connections: 1, keys: ['a'], steps: [{ conn: 0, op: 'read', key: 'a' }] };

/** A model that forgets every lock: whatever real SQLite refused as busy, it claims went through. */
const forgetsLocks: LockEngine = (script) =>
  predict(script).map((o): StepOutcome => (o.status === 'busy' ? { status: 'ok', inTransaction: o.inTransaction } : o));

describe('conformance', () => {
  describe('compareOutcomes', () => {
    const ok: StepOutcome = { status: 'ok', value: 0, inTransaction: false };

    it('agrees on equal outcomes and ignores wouldWait (the real driver cannot see it)', () => {
      const busy: StepOutcome = { status: 'busy', code: 'SQLITE_BUSY', inTransaction: false };
      assert.equal(compareOutcomes(ONE_STEP, [{ ...busy, wouldWait: true }], [busy]), null);
      assert.equal(compareOutcomes(ONE_STEP, [ok], [{ ...ok }]), null);
    });

    it('names the first differing step and every field that differs', () => {
      const script: LockScript = { ...ONE_STEP, steps: [...ONE_STEP.steps, ...ONE_STEP.steps] };
      const d = compareOutcomes(script, [ok, ok], [ok, { status: 'busy', code: 'SQLITE_BUSY', inTransaction: true }]);
      assert.deepEqual(d?.index, 1);
      assert.deepEqual(d?.fields, ['status', 'code', 'value', 'inTransaction']);
      assert.deepEqual(compareOutcomes(ONE_STEP, [ok], [{ ...ok, value: 1 }])?.fields, ['value']);
    });

    it('reports a missing outcome as a disagreement on the outcomes', () => {
      const d = compareOutcomes(ONE_STEP, [ok], []);
      assert.deepEqual(d, { index: 0, step: ONE_STEP.steps[0], model: ok, real: null, fields: ['outcomes'] });
    });
  });

  describe('lockScriptArbitrary', () => {
    const scripts = fc.sample(lockScriptArbitrary(), { numRuns: 500, seed: SEED });

    it('makes valid scripts within the bounds (each one reads back through the strict parser)', () => {
      for (const script of scripts) {
        assert.deepEqual(parseLockScripts(JSON.stringify(script)).scripts[0], script);
        assert.ok(script.connections >= 1 && script.connections <= 5);
        assert.ok(script.keys.length >= 1 && script.keys.length <= 3);
        assert.ok(script.steps.length >= 1 && script.steps.length <= 40);
      }
    });

    it('uses every op, every mode, both journals, and misuses transactions', () => {
      const seen = new Set(scripts.flatMap((s) => s.steps.map((step) => (step.op === 'begin' ? `begin ${step.mode}` : step.op))));
      assert.deepEqual([...seen].sort(), ['begin deferred', 'begin exclusive', 'begin immediate', 'commit', 'read', 'rollback', 'write']);
      assert.deepEqual(new Set(scripts.map((s) => s.journal)), new Set(['delete', 'wal']));
      const outcomes = scripts.flatMap((s) => predict(s));
      const errors = outcomes.filter((o) => o.status === 'error').length;
      const busy = outcomes.filter((o) => o.status === 'busy' || o.status === 'busy_snapshot').length;
      assert.ok(errors > 0 && busy > 0, `errors ${errors}, busy ${busy}`);
    });

    it('keeps a fixed journal and smaller bounds', () => {
      for (const s of fc.sample(lockScriptArbitrary({ journal: 'wal', maxConnections: 2, maxKeys: 1, maxSteps: 3 }), 100)) {
        assert.equal(s.journal, 'wal');
        assert.ok(s.connections <= 2 && s.keys.length === 1 && s.steps.length <= 3);
      }
    });
  });

  describe('checkConformance', () => {
    it('finds a broken model, shrinks to a minimal script, and names the step', () => {
      const report = checkConformance({ count: 500, seed: SEED, runReal: predict, predict: forgetsLocks });
      console.log(`      seed ${SEED}: disagreement after ${report.runs} scripts, ${report.shrinks} shrinks`);
      assert.equal(report.disagreements, 1);
      const found = report.counterexample;
      assert.ok(found?.kind === 'disagreement');
      assert.equal(found.script.connections, 2, 'contention needs two connections, and no more');
      assert.equal(found.script.keys.length, 1);
      assert.equal(found.index, found.script.steps.length - 1, 'nothing after the differing step');
      assert.equal(found.real?.status, 'busy');
      assert.equal(found.model?.status, 'ok');
      // Minimal: dropping any one step makes the disagreement go away.
      found.script.steps.forEach((_, drop) => {
        const smaller = { ...found.script, steps: found.script.steps.filter((__, i) => i !== drop) };
        assert.equal(compareOutcomes(smaller, forgetsLocks(smaller), predict(smaller)), null, `without step ${drop + 1}`);
      });
      assert.ok(report.path !== undefined && /^\d+(:\d+)*$/.test(report.path));
    });

    it('is a pure function of its seed, and the path goes straight back to the counterexample', () => {
      const run = (path?: string): unknown => {
        const report = checkConformance({ count: 500, seed: SEED, runReal: predict, predict: forgetsLocks, ...(path !== undefined ? { path } : {}) });
        return report.counterexample;
      };
      const first = checkConformance({ count: 500, seed: SEED, runReal: predict, predict: forgetsLocks });
      assert.deepEqual(run(), first.counterexample);
      assert.deepEqual(run(first.path), first.counterexample);
    });

    it('reports an engine that throws as a crash, not an exception', () => {
      const report = checkConformance({
        count: 20,
        seed: SEED,
        runReal: () => {
          throw new Error('disk on fire');
        },
      });
      assert.equal(report.counterexample?.kind, 'crash');
      assert.ok(report.counterexample?.kind === 'crash' && report.counterexample.engine === 'real');
      assert.equal(report.counterexample.message, 'disk on fire');
      assert.deepEqual(report.counterexample.script.steps, [], 'shrunk to no step at all');
      assert.equal(report.counterexample.script.connections, 1);
    });

    it('counts steps and busy outcomes compared, so a pass is not vacuous', () => {
      const report = checkConformance({ count: 200, seed: SEED, runReal: predict });
      assert.equal(report.disagreements, 0);
      assert.equal(report.runs, 200);
      assert.ok(report.stepsCompared > 200 && report.busyCompared > 50, JSON.stringify(report));
    });
  });

  describe('conformanceProperty (for fc.assert)', () => {
    it('holds for the model against itself, and fails with a ConformanceError as the cause for a broken one', () => {
      fc.assert(conformanceProperty(predict), { numRuns: 100, seed: SEED });
      assert.throws(
        () => fc.assert(conformanceProperty(predict, { predict: forgetsLocks }), { numRuns: 100, seed: SEED }),
        (error: unknown) => {
          assert.ok(error instanceof Error && error.cause instanceof ConformanceError);
          assert.match(error.cause.message, /^model and real SQLite disagree at step \d+ \(conn \d \w+\) on status/);
          return true;
        },
      );
    });
  });

  describe('the model conforms to real SQLite', () => {
    const count = 500;
    it(`on ${count} random scripts (seed ${SEED}; LOCKSTEP_SEED=S to change)`, () => {
      const report = checkConformance({ count, seed: SEED, runReal: runLockScript });
      console.log(
        `      seed ${SEED}: ${report.runs} scripts, ${report.disagreements} disagreements, ` +
          `${report.stepsCompared} steps compared, ${report.busyCompared} busy outcomes compared`,
      );
      if (report.counterexample !== undefined) {
        assert.fail(
          `${describeFailure(report.counterexample)}\nminimal script: ${JSON.stringify(report.counterexample.script)}\n` +
            `replay: lockstep conform --random ${count} --seed ${SEED} --path ${report.path ?? ''}`,
        );
      }
      assert.ok(report.busyCompared > 100, `only ${report.busyCompared} busy outcomes: the scripts hardly met a lock`);
    });

    it('a ConformanceError carries the typed failure', () => {
      const error = new ConformanceError({ kind: 'crash', script: ONE_STEP, engine: 'sim', message: 'x' });
      assert.equal(error.failure.kind, 'crash');
      assert.equal(error.message, 'the sim engine threw on a valid script: x');
    });
  });
});
