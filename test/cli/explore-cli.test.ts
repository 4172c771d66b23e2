/** `lockstep explore FILE` on the real binary: the report, the exit codes, one line on stderr for bad input. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { assertValidOutput } from '../schema-validate.js';

const bin = fileURLToPath(new URL('../../../bin/lockstep.js', import.meta.url));
const fixture = fileURLToPath(new URL('../explore/counter-scenario.fixture.js', import.meta.url));
const lockstep = (...args: string[]) => spawnSync(process.execPath, [bin, 'explore', ...args], { encoding: 'utf8' });

describe('lockstep explore FILE', () => {
  it('exit 1 with the violation, its table and the line that replays it; the replay line fails the same way', () => {
    const run = lockstep(fixture, '--scenario', 'counter-read-modify-write');
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stdout, /VIOLATION of check: 2 requests but the counter says 1/);
    const reproduce = /reproduce: lockstep explore \S+ --scenario counter-read-modify-write --replay '([^']+)'/.exec(run.stdout);
    assert.ok(reproduce, run.stdout);
    const again = lockstep(fixture, '--scenario', 'counter-read-modify-write', '--replay', reproduce[1]!);
    assert.equal(again.status, 1);
    assert.match(again.stdout, /VIOLATION of check: 2 requests but the counter says 1/);
  });

  it('exit 0 when the scenario holds; --json prints one document', () => {
    const run = lockstep(fixture, '--scenario', 'counter-atomic-update', '--json');
    assert.equal(run.status, 0, run.stderr);
    const document = JSON.parse(run.stdout) as { scenarios: { verdict: string }[] };
    assertValidOutput(document);
    assert.equal(document.scenarios[0]?.verdict, 'holds');
  });

  it('exit 2 and one line for a token that does not fit, a missing file, an unknown scenario', () => {
    for (const [args, message] of [
      [[fixture, '--scenario', 'counter-atomic-update', '--replay', 'ls1:counter-atomic-update:3:delete:5000:0'], 'lockstep explore: the replay token does not fit the scenario: it was made for 3 actors, not 2\n'],
      [['no-such-file.js'], /^lockstep explore: cannot import no-such-file.js: /],
      [[fixture, '--scenario', 'nope'], /^lockstep explore: \S+ exports no scenario named 'nope' \(it has: counter-atomic-update, counter-begin-immediate, counter-read-modify-write\)\n$/],
    ] as const) {
      const run = lockstep(...args);
      assert.equal(run.status, 2, run.stdout);
      if (typeof message === 'string') assert.equal(run.stderr, message);
      else assert.match(run.stderr, message);
      assert.equal(run.stderr.trim().split('\n').length, 1);
    }
  });
});
