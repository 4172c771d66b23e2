/**
 * `lockstep check --all --json` on the real binary: every scenario x variant x engine behaves as documented,
 * and a scenario whose catalogue entry lists parameter sets (retry and pool: both journal modes) is checked
 * under each of them.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CATALOGUE } from '../../properties/catalogue.js';

const BIN = fileURLToPath(new URL('../../../bin/lockstep.js', import.meta.url));

interface Row {
  readonly scenario: string;
  readonly variant: string;
  readonly engine: string;
  readonly params: Record<string, unknown>;
  readonly matches: boolean;
  readonly mismatch: unknown;
}

describe('lockstep check --all', function () {
  this.timeout(180_000);

  it('exits 0 with every row matching its expectation, once per engine and parameter set', () => {
    const ran = spawnSync(process.execPath, [BIN, 'check', '--all', '--json'], { encoding: 'utf8', timeout: 170_000 });
    assert.equal(ran.status, 0, ran.stderr);
    const rows = JSON.parse(ran.stdout) as Row[];
    assert.ok(rows.every((r) => r.matches && r.mismatch === null));
    for (const entry of CATALOGUE) {
      const sets = entry.checkAllParams ?? [{}];
      for (const variant of entry.variants) {
        for (const set of sets) {
          for (const engine of ['sim', 'real']) {
            const found = rows.filter((r) => r.scenario === entry.name && r.variant === variant.name && r.engine === engine && Object.entries(set).every(([k, v]) => r.params[k] === v));
            assert.equal(found.length, 1, `${entry.name}/${variant.name} ${JSON.stringify(set)} on ${engine}`);
          }
        }
      }
    }
    const journals = new Set(rows.filter((r) => r.scenario === 'retry').map((r) => r.params['journal']));
    assert.deepEqual([...journals].sort(), ['delete', 'wal']);
  });
});
