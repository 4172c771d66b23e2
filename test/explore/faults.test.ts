/**
 * Faults in user code (issue 9, item 10), each provoked here and its message checked: an actor that throws, every
 * actor blocked, an actor that never comes back, a check that throws, a statement on a connection lockstep did
 * not open, a replay token that does not fit, and nothing left behind.
 */
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { defineScenario, explore, openExplorer, ReplayTokenError } from '../../sim/index.js';

const setup = (db: Database.Database): void => {
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER NOT NULL); INSERT INTO t VALUES (1, 0)');
};
const leftovers = (): string[] => readdirSync(tmpdir()).filter((f) => f.startsWith('lockstep-explore-'));

describe('explore(): faults in user code', () => {
  // A TMPDIR of this suite's own, so that "nothing left behind" is judged on what these runs made, not on the
  // folders of other processes sharing the machine's temporary folder.
  const outer = process.env.TMPDIR;
  let own = '';
  before(() => {
    own = mkdtempSync(join(tmpdir(), 'faults-suite-'));
    process.env.TMPDIR = own;
  });
  after(() => {
    if (outer === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = outer;
    rmSync(own, { recursive: true, force: true });
  });

  it("an actor that throws is that actor's failure, with its message, not a crash", async () => {
    const scenario = defineScenario({
      name: 'thrower',
      runtime: 'async',
      setup,
      actors: {
        calm: async (ctx) => ctx.open().prepare('SELECT v FROM t').get(),
        angry: async (ctx) => {
          await ctx.open().prepare('SELECT v FROM t').get();
          throw new TypeError('no such customer');
        },
      },
    });
    const result = await explore(scenario);
    assert.equal(result.verdict, 'violation');
    assert.equal(result.property, 'actors-finish');
    assert.equal(result.message, 'angry threw TypeError: no such customer');
    assert.match(result.report, /VIOLATION of actors-finish: angry threw TypeError: no such customer/);
  });

  it('every actor blocked on something lockstep does not control: a deadlock report naming each with its last step', async () => {
    const never = new Promise<void>(() => undefined);
    const scenario = defineScenario({
      name: 'stuck-pair',
      runtime: 'async',
      setup,
      actors: {
        left: async (ctx) => {
          await ctx.open().prepare('UPDATE t SET v = 1').run();
          await never;
        },
        right: async (ctx) => {
          await ctx.open().prepare('SELECT v FROM t').get();
          await never;
        },
      },
    });
    const result = await explore(scenario, { stallTimeoutMs: 100 });
    assert.equal(result.verdict, 'error');
    assert.equal(result.fault, 'deadlock');
    assert.equal(
      result.message,
      'deadlock: every unfinished actor is blocked on something lockstep does not control and none came back within 100 ms (stallTimeoutMs): left (last step: "UPDATE t SET v = 1"), right (last step: "SELECT v FROM t")',
    );
    assert.ok(result.table.includes('UPDATE t SET v = 1'));
  });

  it('an actor that awaits something that never comes back: named with its last step after the stall bound', async () => {
    const scenario = defineScenario({
      name: 'hanging-call',
      runtime: 'async',
      setup,
      actors: {
        caller: async (ctx) => {
          const db = ctx.open();
          await db.prepare('SELECT v FROM t').get();
          await new Promise(() => undefined);
        },
      },
    });
    const result = await explore(scenario, { stallTimeoutMs: 50 });
    assert.equal(result.fault, 'stall');
    assert.match(result.message ?? '', /^caller \(last step: "SELECT v FROM t"\) did not come back within 50 ms \(stallTimeoutMs\): it awaits something lockstep does not control/);
  });

  it('a check that throws is reported as the check throwing, not as a violation', async () => {
    const scenario = defineScenario({
      name: 'broken-check',
      runtime: 'async',
      setup,
      actors: { only: async (ctx) => ctx.open().prepare('SELECT v FROM t').get() },
      check: ({ db }) => {
        db.prepare('SELECT nope FROM t').get();
      },
    });
    const result = await explore(scenario);
    assert.equal(result.verdict, 'error');
    assert.equal(result.fault, 'check-threw');
    assert.match(result.message ?? '', /^the check threw when the run ended: SqliteError: no such column: nope/);
  });

  it('a statement on a connection lockstep did not open is invisible to the schedule (documented): it is no step', async () => {
    const scenario = defineScenario({
      name: 'side-door',
      runtime: 'async',
      setup,
      actors: {
        sneaky: async (ctx) => {
          const gated = ctx.open();
          const plain = new Database(gated.name);
          try {
            plain.prepare('UPDATE t SET v = v + 1').run();
          } finally {
            plain.close();
          }
          await gated.prepare('UPDATE t SET v = v + 1').run();
        },
      },
      check: ({ db }) => (db.prepare('SELECT v FROM t').get() as { v: number }).v === 2,
    });
    const result = await explore(scenario);
    assert.equal(result.verdict, 'holds', result.report);
    const explorer = openExplorer(scenario);
    try {
      const run = await explorer.run([]);
      // Both UPDATEs ran (the check saw 2), but only the gated one was a step of the schedule.
      assert.equal(run.holds, true);
      assert.equal(run.schedule.length, 1);
      assert.deepEqual(run.table.split('\n').slice(2).map((row) => row.split(/\s{2,}/)[2]), ['UPDATE t SET v = v + 1']);
    } finally {
      await explorer.close();
    }
  });

  it('a replay token that does not fit the scenario is a ReplayTokenError naming what differs', async () => {
    const scenario = defineScenario({ name: 'fits', runtime: 'async', setup, actors: { a: async (ctx) => ctx.open().prepare('SELECT 1').get() } });
    process.env.LOCKSTEP_REPLAY = 'ls1:fits:2:delete:5000:0.1';
    try {
      await assert.rejects(explore(scenario), (error: unknown) => {
        assert.ok(error instanceof ReplayTokenError);
        assert.equal(error.message, 'the replay token does not fit the scenario: it was made for 2 actors, not 1');
        return true;
      });
      process.env.LOCKSTEP_REPLAY = 'garbage';
      await assert.rejects(explore(scenario), /is not a lockstep replay token of version 1/);
    } finally {
      delete process.env.LOCKSTEP_REPLAY;
    }
  });

  it('leaves no temporary folder behind, after a pass, a violation and a fault', async () => {
    assert.deepEqual(leftovers(), []);
  });
});
