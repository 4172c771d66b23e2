/**
 * The command-line contract of `list`, `check`, `replay`, `docs`, `barrier` and `bench` on the real binary
 * (DESIGN.md, "Command line"): exit codes, one JSON document with --json, the reproduce line of a failure,
 * the trace round trip through a file, and exit 2 with one line on stderr for every kind of bad usage.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { withTempDir, withTempFile } from './temp-file.js';
import { lockstep, type Ran } from './run-lockstep.js';
import { assertValidTrace } from '../schema-validate.js';

function assertUsageError(ran: Ran, pattern: RegExp): void {
  assert.equal(ran.status, 2, `exit 2, got ${ran.status}; stderr: ${ran.stderr}`);
  assert.equal(ran.stdout, '', 'nothing on stdout');
  const lines = ran.stderr.split('\n');
  assert.equal(lines.length, 2, `exactly one line on stderr, got: ${JSON.stringify(ran.stderr)}`);
  assert.doesNotMatch(ran.stderr, /\n\s+at /, 'no stack trace');
  assert.match(lines[0] ?? '', pattern);
}

describe('lockstep list / check / replay / docs (command line)', function () {
  this.timeout(120_000);

  it('list --json names every scenario with its variants and expectations', () => {
    const ran = lockstep(['list', '--json']);
    assert.equal(ran.status, 0);
    const list = (JSON.parse(ran.stdout) as { scenarios: { scenario: string; variants: { name: string; expected: { verdict: string } }[] }[] }).scenarios;
    const tickets = list.find((s) => s.scenario === 'tickets');
    assert.deepEqual(tickets?.variants.map((v) => [v.name, v.expected.verdict]), [['deferred', 'violation'], ['immediate', 'holds']]);
  });

  it('check: exit 1 with a reproduce line on a violation, exit 0 on a hold; --json is one document with the contract keys', () => {
    const bad = lockstep(['check', 'tickets', '--variant', 'deferred']);
    assert.equal(bad.status, 1);
    assert.match(bad.stdout, /verdict: VIOLATION of every-worker-acquires/);
    assert.match(bad.stdout, /\nreproduce: lockstep check tickets --variant deferred --engine sim --strategy exhaustive\n/);
    const good = lockstep(['check', 'tickets', '--variant', 'immediate', '--json']);
    assert.equal(good.status, 0);
    const envelope = JSON.parse(good.stdout) as { lockstep: number; command: string; all: boolean; engines: Record<string, unknown>[] };
    assert.deepEqual([envelope.lockstep, envelope.command, envelope.all, envelope.engines.length], [1, 'check', false, 1]);
    const doc = envelope.engines[0]!;
    for (const key of ['scenario', 'variant', 'engine', 'strategy', 'params', 'verdict', 'property', 'explored', 'elapsedMs', 'counterexample']) assert.ok(key in doc, key);
    assert.equal(doc['verdict'], 'holds');
    assert.equal(doc['counterexample'], null);
  });

  it('check --engine both --json is one object with one result per engine; --trace-out writes one valid trace each', () => {
    withTempDir((dir) => {
      const file = path.join(dir, 't.json');
      const ran = lockstep(['check', 'singleton', '--variant', 'unguarded', '--engine', 'both', '--json', '--trace-out', file]);
      assert.equal(ran.status, 1);
      const doc = JSON.parse(ran.stdout) as { command: string; all: boolean; engines: { engine: string; verdict: string; counterexample: { engine: string } | null; reproduce: string }[] };
      assert.deepEqual(doc.engines.map((e) => [e.engine, e.verdict, e.counterexample?.engine]), [['sim', 'violation', 'sim'], ['real', 'violation', 'real']]);
      assert.equal(doc.engines[1]?.reproduce, 'lockstep check singleton --variant unguarded --engine real --strategy exhaustive');
      for (const engine of ['sim', 'real']) assertValidTrace(JSON.parse(readFileSync(path.join(dir, `t.${engine}.json`), 'utf8')));
    });
  });

  it('a limit reached is its own verdict: exit 1, nothing proven, and the reproduce line keeps the bound', () => {
    const ran = lockstep(['check', 'tickets', '--variant', 'immediate', '--max-worlds', '10']);
    assert.equal(ran.status, 1);
    assert.match(ran.stdout, /verdict: LIMIT REACHED, nothing proven: maxWorlds 10: .*check --max-worlds N/);
    assert.match(ran.stdout, /\nreproduce: lockstep check tickets --variant immediate --engine sim --strategy exhaustive --max-worlds 10\n/);
  });

  it('check --mermaid prints a sequence diagram source and nothing else', () => {
    const ran = lockstep(['check', 'tickets', '--variant', 'deferred', '--mermaid']);
    assert.equal(ran.status, 1);
    const lines = ran.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^%% tickets\/deferred on sim: 12 steps/);
    assert.equal(lines[1], 'sequenceDiagram');
    assert.ok(lines.slice(2).every((l) => l.startsWith('  ')), 'every other line is indented diagram text');
  });

  it('a counterexample saved with --trace-out replays on the other engine to the same steps and verdict', () => {
    withTempDir((dir) => {
      const file = path.join(dir, 'trace.json');
      const saved = lockstep(['check', 'tickets', '--variant', 'deferred', '--trace-out', file]);
      assert.equal(saved.status, 1);
      assert.match(saved.stdout, new RegExp(`replay: +lockstep replay ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} --engine real`));
      const replayed = lockstep(['replay', file, '--engine', 'real', '--json']);
      assert.equal(replayed.status, 1, 'the replay still violates the property');
      const doc = JSON.parse(replayed.stdout) as { verdict: string; sameAsSaved: boolean; mismatch: unknown; engine: string };
      assertValidTrace(JSON.parse(readFileSync(file, 'utf8')));
      assert.deepEqual([doc.engine, doc.verdict, doc.sameAsSaved, doc.mismatch], ['real', 'violation', true, null]);
      // An edited trace whose schedule the scenario cannot follow is bad input, not a crash.
      const trace = JSON.parse(readFileSync(file, 'utf8')) as { schedule: number[] };
      trace.schedule = [0, 0, 0, 0, 0, 0];
      writeFileSync(file, JSON.stringify(trace));
      assertUsageError(lockstep(['replay', file]), /cannot step here/);
    });
  });

  it('a failure found by random search on the real engine prints a reproduce line that reproduces it', () => {
    const first = lockstep(['check', 'tickets', '--variant', 'deferred', '--engine', 'real', '--strategy', 'pct', '--seed', '5']);
    assert.equal(first.status, 1);
    const line = /\nreproduce: lockstep (.*)\n/.exec(first.stdout)?.[1];
    assert.ok(line !== undefined, first.stdout);
    assert.match(line, /--runs 1000 --seed 5/);
    const again = lockstep(line.split(' '));
    assert.equal(again.status, 1, 'the printed command fails again');
    assert.match(again.stdout, /verdict: VIOLATION of every-worker-acquires/);
  });

  it('barrier exits 1 when some run broke every-worker-acquires (deferred) and 0 when none did (immediate)', () => {
    const deferred = lockstep(['barrier', '--workers', '3', '--mode', 'deferred', '--runs', '2', '--json']);
    const report = JSON.parse(deferred.stdout) as { summary: { runs: number; runsAllAcquired: number } };
    assert.equal(deferred.status, report.summary.runsAllAcquired === report.summary.runs ? 0 : 1);
    const immediate = lockstep(['barrier', '--workers', '2', '--mode', 'immediate', '--runs', '2']);
    assert.equal(immediate.status, 0, immediate.stdout);
  });

  it('stale-race with one contender runs (the same --contenders range as check stale-lock) and warns that it never met the race', () => {
    const ran = lockstep(['stale-race', '--variant', 'tombstone', '--contenders', '1', '--runs', '2']);
    assert.equal(ran.status, 0, ran.stderr);
    assert.match(ran.stdout, /^runs where two contenders read the dead pid \(the dangerous window\): 0 of 2$/m);
    assert.match(ran.stdout, /^warning: the dangerous window was never reached \(one contender has no rival\), so these runs show nothing about the race$/m);
  });

  it('replay refuses a hand-edited trace: bad or unknown parameters, a schedule cut short or run past the end', () => {
    withTempDir((dir) => {
      const file = path.join(dir, 't.json');
      assert.equal(lockstep(['check', 'tickets', '--variant', 'deferred', '--trace-out', file]).status, 1);
      const trace = JSON.parse(readFileSync(file, 'utf8')) as { params: Record<string, unknown>; schedule: number[]; steps: unknown[] };
      const edits: [Record<string, unknown>, RegExp][] = [
        [{ params: { ...trace.params, journal: 'foo' } }, /parameter --journal must be delete or wal, got 'foo'/],
        [{ params: { ...trace.params, workers: '3' } }, /parameter 'workers' must be a number/],
        [{ params: { ...trace.params, workers: 99 } }, /--workers must be an integer from 1 to 8/],
        [{ params: { ...trace.params, colour: 1 } }, /unknown parameter 'colour'/],
        [{ schedule: trace.schedule.slice(0, 3), steps: trace.steps.slice(0, 3), verdict: 'holds', property: null, message: null }, /stops after 3 steps while .* can still step/],
        [{ schedule: [...trace.schedule, 0, 1] }, /the run ends after 12 steps, but the schedule has 14/],
      ];
      for (const [edit, pattern] of edits) {
        writeFileSync(file, JSON.stringify({ ...trace, ...edit }));
        assertUsageError(lockstep(['replay', file, '--engine', 'real']), pattern);
      }
    });
  });

  describe('bad usage: exit 2, one line on stderr, no stack trace', () => {
    const cases: [string, string[], RegExp][] = [
      ['no scenario', ['check'], /name a scenario .* or give --all/],
      ['unknown scenario', ['check', 'nope'], /unknown scenario 'nope'/],
      ['unknown variant', ['check', 'tickets', '--variant', 'nope'], /--variant must be one of deferred, immediate|--variant/],
      ['bad engine', ['check', 'tickets', '--engine', 'both2'], /--engine/],
      ['workers out of range', ['check', 'tickets', '--workers', '9'], /--workers must be an integer from 1 to 8, got '9'/],
      ['--all with a scenario', ['check', '--all', 'tickets'], /--all takes no scenario/],
      ['--json with --mermaid', ['check', 'tickets', '--json', '--mermaid'], /--json and --mermaid/],
      ['an unknown option', ['check', 'tickets', '--frobnicate'], /--frobnicate/],
      ['replay without a file', ['replay'], /missing TRACE \(a trace JSON file/],
      ['replay of a missing file', ['replay', '/nonexistent/trace.json'], /cannot read TRACE '\/nonexistent\/trace.json': no such file \(expected a trace JSON file/],
      ['docs of a missing page', ['docs', '--check', '/nonexistent/page.md'], /cannot read PAGE '\/nonexistent\/page.md': no such file \(expected a Markdown page of docs\/\)$/],
      ['bench with an argument', ['bench', 'now'], /bench takes no arguments/],
      ['barrier with too many workers', ['barrier', '--workers', '99', '--mode', 'deferred'], /--workers must be an integer/],
      ['barrier with a bad mode', ['barrier', '--workers', '2', '--mode', 'exclusive'], /--mode must be deferred or immediate/],
      ['a connection shared by threads, which Node cannot do', ['check', 'pool', '--variant', 'shared-connection', '--runtime', 'threads'], /thread/],
      ['--runs with the exhaustive strategy', ['check', 'tickets', '--runs', '5'], /--runs applies to --strategy random or pct/],
      ['--mermaid with both engines', ['check', 'tickets', '--mermaid', '--engine', 'both'], /--mermaid draws one diagram/],
      ['--trace-out in a missing folder', ['check', 'tickets', '--variant', 'deferred', '--trace-out', '/nonexistent/t.json'], /--trace-out \/nonexistent\/t.json: cannot write there: ENOENT/],
      ['--trace-out naming a folder', ['check', 'tickets', '--variant', 'deferred', '--trace-out', '/'], /is a folder: give a file name/],
    ];
    for (const [label, args, pattern] of cases) it(label, () => assertUsageError(lockstep(args), pattern));

    it('no command at all: the overview on stderr, exit 2', () => {
      const ran = lockstep([]);
      assert.equal(ran.status, 2);
      assert.equal(ran.stdout, '');
      assert.match(ran.stderr, /^usage: lockstep COMMAND \[options\]/m);
      assert.match(ran.stderr, /^ {2}check {7}one scenario variant/m);
    });

    it('replay of a file that is not a trace', () => {
      withTempFile('{"hello": 2}', (file) => assertUsageError(lockstep(['replay', file]), /not a lockstep trace/), 'trace.json');
      withTempFile('{"lockstep": 3}', (file) => assertUsageError(lockstep(['replay', file]), /trace format 3 is not one this lockstep reads \(it reads 1 and 2\)/), 'trace.json');
      withTempFile('not json', (file) => assertUsageError(lockstep(['replay', file]), /not JSON/), 'trace.json');
    });

    it('docs with an unclosed marker', () => {
      withTempFile('# page\n<!-- lockstep list -->\n', (file) => assertUsageError(lockstep(['docs', '--check', file]), /has no '<!-- \/lockstep -->'/), 'page.md');
    });
  });
});
