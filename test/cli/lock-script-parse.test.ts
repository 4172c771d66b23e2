/**
 * parseLockScripts reads untrusted JSON strictly; every message a user can see is asserted here, word for word.
 */
import assert from 'node:assert/strict';
import { LockScriptError, parseLockScripts } from '../../spec/sqlite/lock-script.parse.js';

const OK_STEPS = [
  { conn: 0, op: 'begin', mode: 'deferred' },
  { conn: 0, op: 'read', key: 'a' },
  { conn: 1, op: 'write', key: 'b' },
  { conn: 0, op: 'commit' },
  { conn: 1, op: 'rollback' },
];

function script(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { journal: 'delete', connections: 3, keys: ['a', 'b'], steps: OK_STEPS, ...overrides };
}

function withStep(step: unknown, at = 1): Record<string, unknown> {
  const steps: unknown[] = [...OK_STEPS];
  steps.splice(at, 0, step);
  return script({ steps });
}

function rejects(text: string, message: string): void {
  assert.throws(
    () => parseLockScripts(text),
    (error: unknown) => {
      assert.ok(error instanceof LockScriptError, `expected a LockScriptError, got ${String(error)}`);
      assert.equal(error.message, message);
      assert.ok(!error.message.includes('\n'), 'the message is one line');
      return true;
    },
  );
}

function rejectsValue(value: unknown, message: string): void {
  rejects(JSON.stringify(value), message);
}

describe('parseLockScripts', () => {
  describe('accepts', () => {
    it('one script, marked single', () => {
      const parsed = parseLockScripts(JSON.stringify(script()));
      assert.equal(parsed.single, true);
      assert.deepEqual(parsed.scripts, [script()]);
    });

    it('an array of scripts, in order, marked not single', () => {
      const parsed = parseLockScripts(JSON.stringify([script(), script({ journal: 'wal', connections: 2 })]));
      assert.equal(parsed.single, false);
      assert.deepEqual(
        parsed.scripts.map((s) => [s.journal, s.connections]),
        [
          ['delete', 3],
          ['wal', 2],
        ],
      );
    });

    it('an empty array is refused: an answer to no script would check nothing', () => {
      assert.throws(() => parseLockScripts('[]'), { name: 'LockScriptError', message: 'expected a lock script (a JSON object) or a non-empty array of them, got an empty array' });
    });

    it('keys default to ["a"]', () => {
      const text = JSON.stringify({ journal: 'wal', connections: 1, steps: [{ conn: 0, op: 'write', key: 'a' }] });
      assert.deepEqual(parseLockScripts(text).scripts[0]?.keys, ['a']);
    });

    it('an empty steps array, every mode, and a byte-order mark', () => {
      assert.deepEqual(parseLockScripts(`\uFEFF${JSON.stringify(script({ steps: [] }))}`).scripts[0]?.steps, []);
      for (const mode of ['deferred', 'immediate', 'exclusive']) {
        const parsed = parseLockScripts(JSON.stringify(script({ steps: [{ conn: 2, op: 'begin', mode }] })));
        assert.deepEqual(parsed.scripts[0]?.steps, [{ conn: 2, op: 'begin', mode }]);
      }
    });

    it('8 connections, the most', () => {
      assert.equal(parseLockScripts(JSON.stringify(script({ connections: 8 }))).scripts[0]?.connections, 8);
    });
  });

  describe('refuses, naming the problem, the place and what is accepted', () => {
    it('text that is not JSON', () => {
      assert.throws(() => parseLockScripts('{"journal": '), (error: unknown) => {
        assert.ok(error instanceof LockScriptError);
        assert.match(error.message, /^not JSON: Unexpected end of JSON input$/);
        return true;
      });
      assert.throws(() => parseLockScripts('{\n"journal": nope\n}'), (error: unknown) => {
        assert.ok(error instanceof LockScriptError);
        assert.match(error.message, /^not JSON: Unexpected token/);
        assert.ok(!error.message.includes('\n'));
        return true;
      });
      rejects('', 'not JSON: Unexpected end of JSON input');
    });

    it('a document that is neither a script nor an array', () => {
      rejects('42', 'expected a lock script (a JSON object) or an array of them, got 42');
      rejects('"x"', "expected a lock script (a JSON object) or an array of them, got 'x'");
      rejects('null', 'expected a lock script (a JSON object) or an array of them, got null');
      rejectsValue([script(), 7], 'script 2: expected a lock script object, got 7');
    });

    it('connections out of range or not an integer', () => {
      rejectsValue(script({ connections: 9 }), 'script 1: connections must be an integer from 1 to 8, got 9');
      rejectsValue(script({ connections: 0 }), 'script 1: connections must be an integer from 1 to 8, got 0');
      rejectsValue(script({ connections: 2.5 }), 'script 1: connections must be an integer from 1 to 8, got 2.5');
      rejectsValue(script({ connections: '3' }), "script 1: connections must be an integer from 1 to 8, got '3'");
    });

    it('an unknown op, in the right script and step', () => {
      const steps: unknown[] = [...OK_STEPS, { conn: 0, op: 'read', key: 'a' }];
      steps.splice(6, 0, { conn: 1, op: 'upsert', key: 'a' });
      rejectsValue(
        [script(), script(), script({ steps })],
        "script 3, step 7: unknown op 'upsert' (expected begin, read, write, commit, rollback)",
      );
      rejectsValue(withStep({ conn: 0, op: 3 }), 'script 1, step 2: unknown op 3 (expected begin, read, write, commit, rollback)');
    });

    it('a conn out of range', () => {
      rejectsValue(
        withStep({ conn: 4, op: 'commit' }),
        'script 1, step 2: conn 4 out of range (the script has 3 connections: 0 to 2)',
      );
      rejectsValue(
        script({ connections: 1, steps: [{ conn: 1, op: 'commit' }] }),
        'script 1, step 1: conn 1 out of range (the script has 1 connection: 0)',
      );
      rejectsValue(withStep({ conn: -1, op: 'commit' }), 'script 1, step 2: conn -1 out of range (the script has 3 connections: 0 to 2)');
      rejectsValue(
        withStep({ conn: '0', op: 'commit' }),
        "script 1, step 2: conn must be an integer, got '0' (the script has 3 connections: 0 to 2)",
      );
    });

    it("a key that is not one of the script's keys", () => {
      rejectsValue(withStep({ conn: 0, op: 'read', key: 'z' }, 3), "script 1, step 4: key 'z' is not one of the script's keys (a, b)");
      rejectsValue(withStep({ conn: 0, op: 'write', key: 1 }), "script 1, step 2: key 1 is not one of the script's keys (a, b)");
      rejectsValue(
        { journal: 'wal', connections: 1, steps: [{ conn: 0, op: 'read', key: 'b' }] },
        "script 1, step 1: key 'b' is not one of the script's keys (a)",
      );
    });

    it('an unknown journal or mode', () => {
      rejectsValue(script({ journal: 'truncate' }), "script 1: unknown journal 'truncate' (expected delete, wal)");
      rejectsValue(
        withStep({ conn: 0, op: 'begin', mode: 'concurrent' }),
        "script 1, step 2: unknown mode 'concurrent' (expected deferred, immediate, exclusive)",
      );
    });

    it('missing fields', () => {
      const { journal: _journal, ...noJournal } = script();
      rejectsValue(noJournal, "script 1: missing field 'journal' (expected delete, wal)");
      const { connections: _connections, ...noConnections } = script();
      rejectsValue(noConnections, "script 1: missing field 'connections' (connections must be an integer from 1 to 8)");
      const { steps: _steps, ...noSteps } = script();
      rejectsValue(noSteps, "script 1: missing field 'steps' (expected an array of steps)");
      rejectsValue(withStep({ conn: 0 }), "script 1, step 2: missing field 'op' (expected begin, read, write, commit, rollback)");
      rejectsValue(withStep({ op: 'commit' }), "script 1, step 2: missing field 'conn' (the script has 3 connections: 0 to 2)");
      rejectsValue(
        withStep({ conn: 0, op: 'begin' }),
        "script 1, step 2: missing field 'mode' for op 'begin' (expected deferred, immediate, exclusive)",
      );
      rejectsValue(
        withStep({ conn: 0, op: 'read' }),
        "script 1, step 2: missing field 'key' for op 'read' (expected one of the script's keys: a, b)",
      );
    });

    it('fields of the wrong kind', () => {
      rejectsValue(script({ steps: {} }), 'script 1: steps must be an array of steps, got an object');
      rejectsValue(withStep('commit'), "script 1, step 2: expected a step object, got 'commit'");
      rejectsValue(withStep([0, 'commit']), 'script 1, step 2: expected a step object, got an array');
    });

    it('unknown extra fields', () => {
      rejectsValue(script({ timeout: 5 }), "script 1: unknown field 'timeout' (expected journal, connections, keys, steps)");
      rejectsValue(
        withStep({ conn: 0, op: 'read', key: 'a', mode: 'deferred' }),
        "script 1, step 2: unknown field 'mode' for op 'read' (expected conn, op, key)",
      );
      rejectsValue(
        withStep({ conn: 0, op: 'commit', key: 'a' }),
        "script 1, step 2: unknown field 'key' for op 'commit' (expected conn, op)",
      );
    });

    it('duplicate or empty keys', () => {
      rejectsValue(
        script({ keys: ['a', 'b', 'a'] }),
        "script 1: keys must be a non-empty array of distinct non-empty strings, got key 'a' twice",
      );
      rejectsValue(script({ keys: [] }), 'script 1: keys must be a non-empty array of distinct non-empty strings, got an empty array');
      rejectsValue(
        script({ keys: ['a', ''] }),
        "script 1: keys must be a non-empty array of distinct non-empty strings, got '' at position 2",
      );
      rejectsValue(script({ keys: 'a' }), "script 1: keys must be a non-empty array of distinct non-empty strings, got 'a'");
    });

    it('a field given twice in one object (JSON.parse would keep the last silently)', () => {
      rejects('{"journal":"wal","connections":1,"journal":"delete","steps":[]}', "script 1: duplicate field 'journal'");
      rejects(
        '[{"journal":"wal","connections":2,"steps":[]},' +
          '{"journal":"wal","connections":2,"steps":[{"conn":0,"op":"commit"},{"conn":0,"conn":1,"op":"commit"}]}]',
        "script 2, step 2: duplicate field 'conn'",
      );
      // The same name in different objects, or inside a string, is not a duplicate.
      const text = '[{"journal":"wal","connections":2,"keys":["conn","op"],"steps":[{"conn":0,"op":"read","key":"conn"},{"conn":1,"op":"read","key":"op"}]}]';
      assert.equal(parseLockScripts(text).scripts[0]?.steps.length, 2);
    });
  });
});
