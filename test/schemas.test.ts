/**
 * The JSON Schemas shipped in schemas/: each is a draft 2020-12 schema that compiles under ajv's strict mode;
 * every command with --json has one; the lock script schema accepts what the parser accepts (random scripts,
 * the shipped example) and refuses what it refuses (where a schema can say it); the answers of both engines to
 * random scripts, computed here, are valid answers; and `bench --json`, run once, is a valid bench document.
 * (The other commands' outputs are validated wherever a suite runs them: test/cli/run-lockstep.ts.)
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { COMMANDS } from '../sim/cli/commands/index.js';
import { lockScriptArbitrary } from '../properties/lock-script.arbitrary.js';
import { parseLockScripts } from '../spec/sqlite/lock-script.parse.js';
import { predict } from '../spec/sqlite/predict.js';
import { LockStepPool } from '../impl/lock-step/index.js';
import { assertValid, SCHEMA_NAMES, validate } from './schema-validate.js';
import { lockstep } from './cli/run-lockstep.js';

const SCHEMAS = fileURLToPath(new URL('../../schemas/', import.meta.url));
const EXAMPLE = fileURLToPath(new URL('../../examples/actifix.json', import.meta.url));
const PACKAGE = fileURLToPath(new URL('../../package.json', import.meta.url));
const SEED = 20261201;

describe('schemas/', () => {
  it('every schema is draft 2020-12, named by its $id, and compiles in strict mode', () => {
    assert.ok(SCHEMA_NAMES.length >= 10, SCHEMA_NAMES.join(', '));
    for (const name of SCHEMA_NAMES) {
      const schema = JSON.parse(readFileSync(`${SCHEMAS}${name}.schema.json`, 'utf8')) as { $schema: string; $id: string; description?: string };
      assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema', name);
      assert.equal(schema.$id, `${name}.schema.json`);
      assert.ok((schema.description ?? '').length > 20, `${name} says what it describes`);
      validate(name, null); // compiles (with every schema it refers to)
    }
  });

  it('package.json ships schemas/ and exports it beside the facade, with no top-level key given twice', () => {
    const text = readFileSync(PACKAGE, 'utf8');
    // JSON.parse keeps the last of two equal keys silently: a merge that doubles "exports" loses the facade.
    const keys = [...text.matchAll(/^ {2}"([^"]+)":/gm)].map((m) => m[1]);
    assert.deepEqual(keys.filter((key, i) => keys.indexOf(key) !== i), [], 'a top-level key given twice');
    const manifest = JSON.parse(text) as { files: string[]; exports: Record<string, unknown> };
    assert.ok(manifest.files.some((f) => f.replace(/\/$/, '') === 'schemas'), 'files has schemas/');
    assert.equal(manifest.exports['./schemas/*'], './schemas/*');
    assert.ok('.' in manifest.exports, 'the facade is still exported');
  });

  it('every command with --json has the schema of its output', () => {
    const withJson = COMMANDS.filter((c) => 'json' in c.declaration().options).map((c) => c.name);
    assert.ok(withJson.length >= 9);
    for (const name of withJson) assert.ok(SCHEMA_NAMES.includes(name), `schemas/${name}.schema.json`);
  });

  describe('lock scripts and their answers', () => {
    it(`random lock scripts (seed ${SEED}) are valid, alone and as an array, and so are both engines' answers to them`, () => {
      const scripts = fc.sample(lockScriptArbitrary(), { numRuns: 150, seed: SEED });
      const pool = new LockStepPool();
      try {
        for (const script of scripts) {
          assertValid('lock-script', script);
          assertValid('lock-script-answer', { outcomes: predict(script) });
          assertValid('lock-script-answer', { outcomes: pool.run(script) });
        }
      } finally {
        pool.close();
      }
      assertValid('lock-script', scripts);
      assertValid('lock-script', JSON.parse(readFileSync(EXAMPLE, 'utf8')));
    });

    const refused: [string, unknown][] = [
      ['an empty array', []],
      ['nine connections', { journal: 'delete', connections: 9, steps: [] }],
      ['a journal lockstep does not know', { journal: 'truncate', connections: 1, steps: [] }],
      ['no steps', { journal: 'wal', connections: 1 }],
      ['an unknown op', { journal: 'wal', connections: 1, steps: [{ conn: 0, op: 'upsert', key: 'a' }] }],
      ['begin without a mode', { journal: 'wal', connections: 1, steps: [{ conn: 0, op: 'begin' }] }],
      ['a commit with a key', { journal: 'wal', connections: 1, steps: [{ conn: 0, op: 'commit', key: 'a' }] }],
      ['an unknown field', { journal: 'wal', connections: 1, steps: [], colour: 'red' }],
      ['empty keys', { journal: 'wal', connections: 1, keys: [], steps: [] }],
      ['a key twice', { journal: 'wal', connections: 1, keys: ['a', 'a'], steps: [] }],
    ];
    for (const [what, value] of refused) {
      it(`the parser and the schema both refuse ${what}`, () => {
        assert.throws(() => parseLockScripts(JSON.stringify(value)), { name: 'LockScriptError' });
        assert.equal(validate('lock-script', value).valid, false);
      });
    }

    it('an answer with a busy outcome but no code, or an ok outcome with one, is refused', () => {
      assert.equal(validate('lock-script-answer', { outcomes: [{ status: 'busy', inTransaction: false }] }).valid, false);
      assert.equal(validate('lock-script-answer', { outcomes: [{ status: 'ok', code: 'SQLITE_BUSY', inTransaction: false }] }).valid, false);
    });
  });

  it('bench --json is a valid bench document (one run, rates and ratios of that run)', function () {
    this.timeout(600_000); // about 25 s on an idle machine; the bound is for a shared one
    const ran = lockstep(['bench', '--json'], { timeoutMs: 590_000 }); // validated against schemas/bench.schema.json on the way
    assert.equal(ran.status, 0, ran.stderr);
    const doc = JSON.parse(ran.stdout) as { command: string; realTickets: { disagreements: number } };
    assert.equal(doc.command, 'bench');
    assert.equal(doc.realTickets.disagreements, 0);
  });
});
