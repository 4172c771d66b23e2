/**
 * `lockstep check --all --json` on the real binary: every scenario x variant x engine behaves as documented,
 * and a scenario whose catalogue entry lists parameter sets (retry and pool: both journal modes) is checked
 * under each of them.
 */
import assert from 'node:assert/strict';
import { CATALOGUE, documentedRuns } from '../../properties/catalogue.js';
import { lockstep } from './run-lockstep.js';

interface Row {
  readonly scenario: string;
  readonly variant: string;
  readonly engine: string;
  readonly params: Record<string, unknown>;
  readonly matches: boolean;
  readonly expected: { readonly verdict: string; readonly property?: string };
  readonly verdict: string;
  readonly property: string | null;
  readonly notable: Record<string, number>;
  readonly mismatch: unknown;
}

describe('lockstep check --all', function () {
  // 82 rows on both engines: about 40 s of one core; the bound is for a machine shared with other work.
  this.timeout(600_000);

  it('exits 0 with every row matching its expectation, once per engine and parameter set', () => {
    // The output (and every counterexample trace in it, of both engines) is validated against schemas/.
    const ran = lockstep(['check', '--all', '--json'], { timeoutMs: 590_000 });
    assert.equal(ran.status, 0, ran.stderr);
    const doc = JSON.parse(ran.stdout) as { all: boolean; matches: boolean; rows: Row[] };
    assert.equal(doc.all, true);
    assert.equal(doc.matches, true);
    const rows = doc.rows;
    assert.ok(rows.every((r) => r.matches && r.mismatch === null));
    // Judged here again, not only by the CLI's own `matches`: the verdict is the documented one, and a
    // documented hold reached a dangerous window on that engine.
    for (const r of rows) {
      const label = `${r.scenario}/${r.variant} ${JSON.stringify(r.params)} on ${r.engine}`;
      assert.equal(r.verdict, r.expected.verdict, label);
      if (r.expected.verdict === 'violation') assert.equal(r.property, r.expected.property, label);
      else assert.ok(Object.values(r.notable).some((n) => n > 0), `${label}: a hold that never met the race`);
    }
    // Exactly one row per documented run (defaults, parameter sets, faults) and engine, nothing else.
    let expectedRows = 0;
    for (const entry of CATALOGUE) {
      for (const variant of entry.variants) {
        for (const run of documentedRuns(entry, variant)) {
          for (const engine of ['sim', 'real']) {
            expectedRows += 1;
            const found = rows.filter(
              (r) =>
                r.scenario === entry.name &&
                r.variant === variant.name &&
                r.engine === engine &&
                Object.entries(run.params).every(([k, v]) => r.params[k] === v) &&
                JSON.stringify(r.expected) === JSON.stringify(run.expected),
            );
            assert.ok(found.length >= 1, `${entry.name}/${variant.name} ${JSON.stringify(run.params)} on ${engine}`);
          }
        }
      }
    }
    assert.equal(rows.length, expectedRows);
    for (const scenario of ['tickets', 'retry']) {
      const journals = new Set(rows.filter((r) => r.scenario === scenario).map((r) => r.params['journal']));
      assert.deepEqual([...journals].sort(), ['delete', 'wal'], scenario);
    }
    const faults = rows.filter((r) => r.scenario === 'lifecycle' && r.params['fault'] === 'crash-after-claim');
    assert.ok(faults.length > 0, 'the faults documented on a variant are checked too');
  });
});
