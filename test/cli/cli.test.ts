/**
 * The command-line contract of `predict`, `run` and `conform` (DESIGN.md, "Command line"), checked on the real
 * binary: exit 0 / 1 / 2, `--json` prints one JSON document on stdout and nothing else there, and bad usage or
 * input gives exit 2 with exactly one line on stderr and no stack trace.
 */
import assert from 'node:assert/strict';
import { withTempDir, withTempFile } from './temp-file.js';
import { lockstep as runLockstep, type Ran } from './run-lockstep.js';

function lockstep(args: readonly string[], input?: string): Ran {
  return runLockstep(args, input !== undefined ? { input } : {});
}

/** The README example: conn 1's autocommit write meets conn 0's SHARED lock (rollback journal). */
const EXAMPLE = {
  journal: 'delete',
  connections: 3,
  keys: ['a', 'b'],
  steps: [
    { conn: 0, op: 'begin', mode: 'deferred' },
    { conn: 0, op: 'read', key: 'a' },
    { conn: 1, op: 'write', key: 'a' },
    { conn: 0, op: 'commit' },
  ],
};

/** Misuse: COMMIT and ROLLBACK with no transaction, BEGIN inside one. */
const MISUSE = {
  journal: 'wal',
  connections: 1,
  steps: [
    { conn: 0, op: 'commit' },
    { conn: 0, op: 'begin', mode: 'immediate' },
    { conn: 0, op: 'write', key: 'a' },
    { conn: 0, op: 'begin', mode: 'deferred' },
    { conn: 0, op: 'commit' },
    { conn: 0, op: 'rollback' },
    { conn: 0, op: 'read', key: 'a' },
  ],
};

function parseJson(ran: Ran): unknown {
  assert.equal(ran.stderr, '', 'nothing on stderr');
  return JSON.parse(ran.stdout) as unknown;
}

function assertUsageError(ran: Ran, pattern: RegExp): void {
  assert.equal(ran.status, 2, `exit 2, got ${ran.status}; stderr: ${ran.stderr}`);
  assert.equal(ran.stdout, '', 'nothing on stdout');
  const lines = ran.stderr.split('\n');
  assert.equal(lines.length, 2, `exactly one line on stderr, got: ${JSON.stringify(ran.stderr)}`);
  assert.equal(lines[1], '');
  assert.doesNotMatch(ran.stderr, /\n\s+at /, 'no stack trace');
  assert.match(lines[0] ?? '', pattern);
}

interface OutcomeJson {
  status: string;
  code?: string;
  value?: number;
  inTransaction: boolean;
  wouldWait?: boolean;
}

describe('lockstep predict / run / conform (command line)', () => {
  describe('predict and run', () => {
    for (const command of ['predict', 'run'] as const) {
      it(`${command} FILE --json prints { outcomes } and exits 0`, () => {
        withTempFile(EXAMPLE, (file) => {
          const ran = lockstep([command, file, '--json']);
          assert.equal(ran.status, 0);
          const doc = (parseJson(ran) as { answer: { outcomes: OutcomeJson[] } }).answer;
          assert.deepEqual(Object.keys(parseJson(ran) as object), ['lockstep', 'command', 'answer']);
          assert.equal((parseJson(ran) as { command: string }).command, command);
          assert.equal(doc.outcomes.length, EXAMPLE.steps.length);
          assert.deepEqual(
            doc.outcomes.map((o) => [o.status, o.code, o.value, o.inTransaction]),
            [
              ['ok', undefined, undefined, true],
              ['ok', undefined, 0, true],
              ['busy', 'SQLITE_BUSY', undefined, false],
              ['ok', undefined, undefined, false],
            ],
          );
          if (command === 'run') assert.ok(doc.outcomes.every((o) => o.wouldWait === undefined), 'run cannot see wouldWait');
        });
      });

      it(`${command} answers an array with an array, in order`, () => {
        withTempFile([EXAMPLE, MISUSE], (file) => {
          const ran = lockstep([command, '--json', file]);
          assert.equal(ran.status, 0);
          const doc = (parseJson(ran) as { answer: { outcomes: OutcomeJson[] }[] }).answer;
          assert.ok(Array.isArray(doc));
          assert.deepEqual(
            doc.map((d) => d.outcomes.length),
            [EXAMPLE.steps.length, MISUSE.steps.length],
          );
          assert.deepEqual(
            doc[1]?.outcomes.map((o) => [o.status, o.code, o.inTransaction]),
            [
              ['error', 'SQLITE_ERROR', false],
              ['ok', undefined, true],
              ['ok', undefined, true],
              ['error', 'SQLITE_ERROR', true],
              ['ok', undefined, false],
              ['error', 'SQLITE_ERROR', false],
              ['ok', undefined, false],
            ],
          );
          assert.equal(doc[1]?.outcomes[6]?.value, 1, 'the committed write is read back');
        });
      });

      it(`${command} prints a table per script without --json, and reads - as stdin`, () => {
        const ran = lockstep([command, '-'], JSON.stringify([EXAMPLE, MISUSE]));
        assert.equal(ran.status, 0, ran.stderr);
        assert.match(ran.stdout, /^script 1: journal delete, 3 connections, keys a, b, 4 steps$/m);
        assert.match(ran.stdout, /^script 2: journal wal, 1 connection, keys a, 7 steps$/m);
        assert.match(ran.stdout, /^step\s+conn\s+sql\s+status\s+code\s+value\s+inTransaction/m);
        assert.match(ran.stdout, /^\s+3\s+1\s+UPDATE kv SET v = v \+ 1 WHERE k = 'a'\s+busy\s+SQLITE_BUSY\s+no/m);
        assert.equal(/wouldWait/.test(ran.stdout), command === 'predict', 'only the model has wouldWait');
      });
    }

    it('600 scripts in one file are answered by both, one answer each', () => {
      const scripts = Array.from({ length: 600 }, (_, i) => (i % 2 === 0 ? EXAMPLE : MISUSE));
      withTempFile(scripts, (file) => {
        for (const command of ['predict', 'run']) {
          const ran = lockstep([command, file, '--json']);
          assert.equal(ran.status, 0, ran.stderr);
          assert.equal((parseJson(ran) as { answer: unknown[] }).answer.length, 600);
        }
      });
    });
  });

  describe('conform', () => {
    it('exits 0 on a script both engines agree on, with a summary', () => {
      withTempFile(EXAMPLE, (file) => {
        const ran = lockstep(['conform', file]);
        assert.equal(ran.status, 0, ran.stdout);
        assert.match(ran.stdout, /^1 script, 0 disagreements, 4 steps compared, 1 busy outcomes compared, [\d.]+ s$/m);
      });
    });

    it('--json prints one document; the exit code is 1 exactly when it reports a disagreement', () => {
      const ran = lockstep(['conform', '--random', '60', '--seed', '7', '--json']);
      const doc = parseJson(ran) as {
        seed: number;
        scripts: number;
        disagreements: number;
        stepsCompared: number;
        counterexamples: { script: unknown; replay: string[] }[];
      };
      assert.equal(doc.seed, 7);
      assert.equal(ran.status, doc.disagreements === 0 ? 0 : 1);
      assert.equal(doc.counterexamples.length, doc.disagreements);
      if (doc.disagreements === 0) {
        assert.equal(doc.scripts, 60);
        assert.ok(doc.stepsCompared > 0);
      } else {
        // The minimal script, saved to a file, replays the disagreement on its own.
        const first = doc.counterexamples[0];
        assert.ok(first !== undefined);
        withTempFile(first.script, (file) => {
          const replayed = lockstep(['conform', file, '--json']);
          assert.equal(replayed.status, 1);
          assert.equal((parseJson(replayed) as { disagreements: number }).disagreements, 1);
        });
        assert.match(first.replay[1] ?? '', /^lockstep conform --random 60 --seed 7 --path [\d:]+$/);
      }
    });

    it('the same seed gives the same report', () => {
      const strip = (ran: Ran): unknown => ({ ...(parseJson(ran) as object), elapsedMs: 0 });
      const args = ['conform', '--random', '30', '--seed', '-12', '--journal', 'wal', '--json'];
      assert.deepEqual(strip(lockstep(args)), strip(lockstep(args)));
    });

    it('without --seed chooses one and prints it', () => {
      const ran = lockstep(['conform', '--random', '3']);
      assert.match(ran.stdout, /^conform: 3 random scripts, seed \d+ \(chosen; --seed \d+ repeats this run\), journal delete and wal$/m);
      assert.ok(ran.status === 0 || ran.status === 1);
    });
  });

  describe('bad usage and bad input: exit 2, one line on stderr, no stack trace', () => {
    const invalid = { ...EXAMPLE, steps: [...EXAMPLE.steps, { conn: 1, op: 'upsert', key: 'a' }] };

    it('an unknown command', () => {
      assertUsageError(lockstep(['predikt', 'x.json']), /^lockstep predikt: unknown command 'predikt'; expected one of: .*predict/);
    });

    for (const command of ['predict', 'run'] as const) {
      it(`${command}: missing SCRIPT, missing file, directory, two files, unknown option, --json=value`, () => {
        assertUsageError(lockstep([command]), new RegExp(`^lockstep ${command}: missing SCRIPT \\(a lock script JSON file`));
        assertUsageError(
          lockstep([command, 'no-such-file.json']),
          /^lockstep \w+: cannot read SCRIPT 'no-such-file.json': no such file \(expected a lock script JSON file, or - for stdin\)$/,
        );
        withTempDir((dir) => assertUsageError(lockstep([command, dir]), /: it is a directory \(expected/));
        withTempFile(EXAMPLE, (file) => {
          assertUsageError(lockstep([command, file, file]), /takes at most 1 SCRIPT, got '.*' '.*'$/);
          assertUsageError(lockstep([command, file, '--bogus']), /unknown option '--bogus'; accepted: --json, --help, --debug \(lockstep \w+ --help\)$/);
          assertUsageError(lockstep([command, file, '--json=yes']), /option --json takes no value, got 'yes'$/);
          assertUsageError(lockstep([command, file, '--json', '--json']), /option --json given twice$/);
        });
      });

      it(`${command}: input that is not JSON, or not a valid lock script`, () => {
        withTempFile('{ "journal": ', (file) => {
          assertUsageError(lockstep([command, file, '--json']), /^lockstep \w+: .*script\.json: not JSON: Unexpected end of JSON input$/);
        });
        withTempFile(invalid, (file) => {
          assertUsageError(
            lockstep([command, file, '--json']),
            /script\.json: script 1, step 5: unknown op 'upsert' \(expected begin, read, write, commit, rollback\)$/,
          );
        });
        assertUsageError(
          lockstep([command, '-'], JSON.stringify([EXAMPLE, { ...EXAMPLE, connections: 9 }])),
          /^lockstep \w+: stdin: script 2: connections must be an integer from 1 to 8, got 9$/,
        );
      });
    }

    it('conform: SCRIPT and --random together, neither, bad numbers, options out of place', () => {
      withTempFile(EXAMPLE, (file) => {
        assertUsageError(lockstep(['conform', file, '--random', '5']), /give either SCRIPT or --random N, not both/);
        assertUsageError(lockstep(['conform', file, '--seed', '5']), /option --seed applies only with --random N$/);
        assertUsageError(lockstep(['conform', file, '--path', '1:2']), /option --path applies only with --random N$/);
        assertUsageError(lockstep(['conform', file, '--journal', 'truncate']), /--journal must be delete or wal, got 'truncate'$/);
      });
      assertUsageError(lockstep(['conform']), /expected SCRIPT \(a lock script JSON file, or - for stdin\) or --random N$/);
      assertUsageError(lockstep(['conform', '--random', 'abc']), /--random must be an integer from 1 to 10000000, got 'abc'$/);
      assertUsageError(lockstep(['conform', '--random', '0']), /--random must be an integer from 1 to 10000000, got '0'$/);
      assertUsageError(lockstep(['conform', '--random', '2.5']), /--random must be an integer/);
      assertUsageError(lockstep(['conform', '--random']), /option --random needs a value \(N: an integer from 1 to 10000000\)$/);
      assertUsageError(lockstep(['conform', '--random', '5', '--seed', 'x']), /--seed must be an integer from -2147483648 to 2147483647, got 'x'$/);
      assertUsageError(lockstep(['conform', '--random', '5', '--seed', '1', '--seed', '2']), /option --seed given twice$/);
      assertUsageError(lockstep(['conform', '--random', '5', '--path', 'x']), /--path must be a fast-check path like 3:0:1, got 'x'$/);
      assertUsageError(lockstep(['conform', '--random', '5', '--verbose']), /unknown option '--verbose'; accepted: --random N, --seed S, --path P, --journal delete\|wal, --json, --help, --debug \(lockstep conform --help\)$/);
      assertUsageError(lockstep(['conform', 'missing.json']), /cannot read SCRIPT 'missing.json': no such file/);
    });
  });
});
