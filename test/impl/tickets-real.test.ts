// The ticket repository (seed 002, Actifix) on real SQLite under the lock-step driver: the gate, the barrier-like
// schedule that reproduces the bug (DEFERRED) and the documented fix (IMMEDIATE) in both journal modes, the
// emulated busy handler (waits, retries, times out), the repository's other operations on the production path,
// cleanup, and step-by-step agreement with the model (spec/tickets/tickets.model.ts) on the same schedules.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { immediateGate, LockStepGates } from '../../impl/gate/step-gate.js';
import { DirectStatementRunner, TICKETS_SCHEMA, TicketRepository, type TicketLock } from '../../impl/tickets/ticket-repository.js';
import { LockStepStatementRunner, openTicketsRun, type TicketsRunOptions } from '../../impl/tickets/tickets.real-engine.js';
import { createTicketsModel } from '../../spec/tickets/tickets.model.js';

type Journal = 'delete' | 'wal';
type Rec = { actor: string; action: string; outcome: string };

let parentDir = '';
const opts = (journal: Journal, mode: 'deferred' | 'immediate', workload: 'acquire' | 'next' = 'acquire', workers = 3, busyTimeoutMs = 5000): TicketsRunOptions => ({
  workers,
  journal,
  mode,
  workload,
  busyTimeoutMs,
  parentDir,
});

/** Opens a run, steps `schedule`, returns the records and the final observation; always closes. */
async function runSchedule(options: TicketsRunOptions, schedule: readonly number[]) {
  const run = await openTicketsRun(options);
  try {
    const records: Rec[] = [];
    for (const actor of schedule) records.push(await run.step(actor));
    return { records, observation: run.observe(), finished: run.actors.map((_, i) => run.finished(i)), dir: run.dir };
  } finally {
    await run.close();
  }
}

const line = (r: Rec): string => `${r.actor} | ${r.action} | ${r.outcome}`;

/** BEGIN, SELECT and UPDATE of every worker in turn: the threads released together at the barrier. */
const BARRIER = [0, 1, 2, 0, 1, 2, 0, 1, 2];

/**
 * The model's schedule: `prefix`, then round-robin over the actors the model lets move (a waiting actor only when
 * its statement can succeed, or at its deadline when nobody else can move), until nobody can.
 */
function modelSchedule(options: TicketsRunOptions, prefix: readonly number[]) {
  const model = createTicketsModel(options);
  let world = model.initial;
  const schedule: number[] = [];
  const records: Rec[] = [];
  const observations: unknown[] = [];
  let cursor = 0;
  for (let i = 0; ; i++) {
    const enabled = model.enabled(world);
    if (enabled.length === 0) break;
    const n = model.actors.length;
    const actor = i < prefix.length ? prefix[i]! : Array.from({ length: n }, (_, k) => (cursor + k) % n).find((a) => enabled.includes(a))!;
    assert.ok(enabled.includes(actor), `the model lets ${model.actors[actor]} move at step ${i}`);
    cursor = actor + 1;
    const next = model.step(world, actor);
    world = next.world;
    schedule.push(actor);
    records.push({ ...next.record });
    observations.push(model.observe(world));
  }
  return { schedule, records, observations, finished: model.actors.map((_, a) => model.finished(world, a)) };
}

describe('impl/tickets on real SQLite, one step at a time', function () {
  this.timeout(120_000);

  before(() => {
    parentDir = mkdtempSync(path.join(tmpdir(), 'tickets-real-test-'));
  });
  after(() => {
    rmSync(parentDir, { recursive: true, force: true });
  });

  describe('LockStepGates', () => {
    it('immediateGate resolves at once', async () => {
      let passed = 0;
      for (let i = 0; i < 3; i++) {
        await immediateGate();
        passed++;
      }
      assert.equal(passed, 3);
    });

    it('step(actor) releases exactly that actor, up to its next gate', async () => {
      const gates = new LockStepGates(['a', 'b']);
      const log: string[] = [];
      const program = (name: string, actor: number) => async () => {
        const gate = gates.gate(actor);
        for (let i = 0; i < 3; i++) {
          await gate();
          // Some awaits between gates: still one step.
          await Promise.resolve();
          await new Promise<void>((resolve) => queueMicrotask(resolve));
          log.push(`${name}${i}`);
        }
        return `${name} done`;
      };
      await gates.start(0, program('a', 0));
      await gates.start(1, program('b', 1));
      assert.deepEqual([gates.status(0), gates.status(1), log], ['parked', 'parked', []]);
      for (const actor of [1, 0, 0, 1]) await gates.step(actor);
      assert.deepEqual(log, ['b0', 'a0', 'a1', 'b1']);
      await gates.step(1);
      assert.equal(gates.status(1), 'done');
      assert.equal(gates.value(1), 'b done');
      await assert.rejects(gates.step(1), /b cannot step: it is done/);
      assert.equal(gates.status(0), 'parked');
    });

    it('a program that throws or rejects is recorded as failed, not thrown at the driver', async () => {
      const gates = new LockStepGates(['sync', 'async']);
      await gates.start(0, () => {
        throw new Error('at once');
      });
      const gate = gates.gate(1);
      await gates.start(1, async () => {
        await gate();
        throw new Error('after a step');
      });
      assert.equal(gates.status(0), 'failed');
      assert.equal((gates.error(0) as Error).message, 'at once');
      assert.equal(gates.status(1), 'parked');
      await gates.step(1);
      assert.equal(gates.status(1), 'failed');
      assert.equal((gates.error(1) as Error).message, 'after a step');
    });

    it('a gate awaited twice at once is refused', async () => {
      const gates = new LockStepGates(['x']);
      const gate = gates.gate(0);
      await gates.start(0, async () => {
        await Promise.all([gate(), gate()]);
      });
      // The first call parked the actor (start resolved then); the refusal of the second settles it right after.
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(gates.status(0), 'failed');
      assert.match(String(gates.error(0)), /called its gate while parked/);
    });
  });

  for (const journal of ['delete', 'wal'] as const) {
    describe(`journal ${journal}`, () => {
      it('deferred, 3 workers released together: worker-1 and worker-2 get SQLITE_BUSY at once and fail (the Actifix bug)', async () => {
        // After the barrier: rollback mode makes worker-0's COMMIT wait for the readers' SHARED locks; WAL does not.
        const tail = journal === 'delete' ? [0, 1, 2, 0] : [0, 1, 2];
        const { records, observation, finished } = await runSchedule(opts(journal, 'deferred'), [...BARRIER, ...tail]);
        const expected = [
          'worker-0 | BEGIN DEFERRED | ok',
          'worker-1 | BEGIN DEFERRED | ok',
          'worker-2 | BEGIN DEFERRED | ok',
          'worker-0 | SELECT ticket-0 | free',
          'worker-1 | SELECT ticket-1 | free',
          'worker-2 | SELECT ticket-2 | free',
          'worker-0 | UPDATE ticket-0 SET locked_by = worker-0 | ok',
          'worker-1 | UPDATE ticket-1 SET locked_by = worker-1 | SQLITE_BUSY at once',
          'worker-2 | UPDATE ticket-2 SET locked_by = worker-2 | SQLITE_BUSY at once',
          ...(journal === 'delete' ? ['worker-0 | COMMIT | SQLITE_BUSY, waits'] : ['worker-0 | COMMIT | ok']),
          'worker-1 | ROLLBACK | ok',
          'worker-2 | ROLLBACK | ok',
          ...(journal === 'delete' ? ['worker-0 | COMMIT | ok'] : []),
        ];
        assert.deepEqual(records.map(line), expected);
        assert.deepEqual(finished, [true, true, true]);
        assert.deepEqual(observation, {
          workers: [
            { name: 'worker-0', status: 'acquired', ticket: 'ticket-0', error: null },
            { name: 'worker-1', status: 'failed', ticket: null, error: 'SQLITE_BUSY' },
            { name: 'worker-2', status: 'failed', ticket: null, error: 'SQLITE_BUSY' },
          ],
          holders: { 'ticket-0': 0, 'ticket-1': null, 'ticket-2': null },
        });
      });

      if (journal === 'wal') {
        it('deferred in WAL: a reader that writes after another committed gets SQLITE_BUSY_SNAPSHOT at once', async () => {
          // worker-0 commits before worker-1 tries to write: the write lock is free, but worker-1's snapshot is stale.
          const { records, observation } = await runSchedule(opts('wal', 'deferred', 'acquire', 2), [0, 1, 0, 1, 0, 0, 1, 1]);
          assert.deepEqual(records.slice(4).map(line), [
            'worker-0 | UPDATE ticket-0 SET locked_by = worker-0 | ok',
            'worker-0 | COMMIT | ok',
            'worker-1 | UPDATE ticket-1 SET locked_by = worker-1 | SQLITE_BUSY_SNAPSHOT at once',
            'worker-1 | ROLLBACK | ok',
          ]);
          assert.equal(observation.workers[1]?.error, 'SQLITE_BUSY_SNAPSHOT');
        });
      }

      it('immediate, 3 workers in turn: every worker acquires, the others waiting on BEGIN IMMEDIATE meanwhile (the fix)', async () => {
        // Round-robin over the workers that can move (a waiting worker can move once the write lock is free).
        const run = await openTicketsRun(opts(journal, 'immediate'));
        try {
          const records: Rec[] = [];
          for (const actor of [0, 1, 2]) records.push(await run.step(actor));
          assert.deepEqual(records.map(line), [
            'worker-0 | BEGIN IMMEDIATE | ok',
            'worker-1 | BEGIN IMMEDIATE | SQLITE_BUSY, waits',
            'worker-2 | BEGIN IMMEDIATE | SQLITE_BUSY, waits',
          ]);
          assert.deepEqual(
            run.observe().workers.map((w) => w.status),
            ['running', 'waiting', 'waiting'],
          );
          for (const actor of [0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]) records.push(await run.step(actor));
          assert.deepEqual(records.slice(3).map(line), [
            'worker-0 | SELECT ticket-0 | free',
            'worker-0 | UPDATE ticket-0 SET locked_by = worker-0 | ok',
            'worker-0 | COMMIT | ok',
            'worker-1 | BEGIN IMMEDIATE | ok',
            'worker-1 | SELECT ticket-1 | free',
            'worker-1 | UPDATE ticket-1 SET locked_by = worker-1 | ok',
            'worker-1 | COMMIT | ok',
            'worker-2 | BEGIN IMMEDIATE | ok',
            'worker-2 | SELECT ticket-2 | free',
            'worker-2 | UPDATE ticket-2 SET locked_by = worker-2 | ok',
            'worker-2 | COMMIT | ok',
          ]);
          assert.deepEqual(run.observe(), {
            workers: [0, 1, 2].map((i) => ({ name: `worker-${i}`, status: 'acquired', ticket: `ticket-${i}`, error: null })),
            holders: { 'ticket-0': 0, 'ticket-1': 1, 'ticket-2': 2 },
          });
          await assert.rejects(run.step(0), /worker-0 cannot step: it has finished/);
        } finally {
          await run.close();
        }
      });

      it('get-and-lock-next with BEGIN IMMEDIATE: three workers lock three distinct tickets', async () => {
        const { schedule } = modelSchedule(opts(journal, 'immediate', 'next'), []);
        const { records, observation, finished } = await runSchedule(opts(journal, 'immediate', 'next'), schedule);
        assert.deepEqual(finished, [true, true, true]);
        assert.deepEqual(
          observation.workers.map((w) => [w.status, w.ticket]),
          [
            ['acquired', 'ticket-0'],
            ['acquired', 'ticket-1'],
            ['acquired', 'ticket-2'],
          ],
        );
        assert.deepEqual(observation.holders, { 'ticket-0': 0, 'ticket-1': 1, 'ticket-2': 2 });
        assert.ok(records.some((r) => r.outcome === 'held by worker-0'), 'later workers walked past taken tickets');
        assert.ok(records.some((r) => r.outcome === 'SQLITE_BUSY, waits'), 'workers met on the write lock');
      });

      it('busy timeout 0: a worker that would have waited fails at once instead', async () => {
        const { records, observation } = await runSchedule(opts(journal, 'immediate', 'acquire', 2, 0), [0, 1]);
        assert.deepEqual(records.map(line), ['worker-0 | BEGIN IMMEDIATE | ok', 'worker-1 | BEGIN IMMEDIATE | SQLITE_BUSY at once']);
        assert.deepEqual(observation.workers[1], { name: 'worker-1', status: 'failed', ticket: null, error: 'SQLITE_BUSY' });
      });
    });
  }

  describe('the emulated busy handler and the transaction helper', () => {
    /** A database with tickets, a worker (gated, busy timeout 0) and an intruder connection. */
    function bench(journal: Journal, mode: 'deferred' | 'immediate') {
      const dir = mkdtempSync(path.join(parentDir, 'lockstep-'));
      const file = path.join(dir, 'tickets.db');
      const setup = new Database(file);
      setup.exec(TICKETS_SCHEMA);
      setup.prepare("INSERT INTO tickets (id) VALUES ('ticket-0'), ('ticket-1')").run();
      if (journal === 'wal') setup.pragma('journal_mode = WAL');
      setup.close();
      const gates = new LockStepGates(['worker-0']);
      const db = new Database(file, { timeout: 0 });
      const runner = new LockStepStatementRunner(db, gates.gate(0), journal, 5000);
      const repository = new TicketRepository(runner, mode, { ticketIds: ['ticket-0', 'ticket-1'] });
      const intruder = new Database(file, { timeout: 0 });
      const close = () => {
        db.close();
        intruder.close();
        rmSync(dir, { recursive: true, force: true });
      };
      return { gates, runner, repository, intruder, close };
    }

    for (const journal of ['delete', 'wal'] as const) {
      it(`${journal}: a waiting BEGIN IMMEDIATE retried while the lock is still held fails after the busy timeout, with no ROLLBACK`, async () => {
        const { gates, runner, repository, intruder, close } = bench(journal, 'immediate');
        try {
          intruder.exec('BEGIN IMMEDIATE');
          await gates.start(0, () => repository.acquireLock('ticket-0', 'worker-0'));
          await gates.step(0);
          assert.equal(runner.waiting, true);
          assert.equal(gates.status(0), 'parked');
          await gates.step(0);
          assert.deepEqual(runner.records, [
            { action: 'BEGIN IMMEDIATE', outcome: 'SQLITE_BUSY, waits' },
            { action: 'BEGIN IMMEDIATE', outcome: 'SQLITE_BUSY after the busy timeout' },
          ]);
          assert.equal(gates.status(0), 'failed');
          assert.equal((gates.error(0) as { code?: string }).code, 'SQLITE_BUSY');
          assert.equal(runner.waiting, false);
        } finally {
          close();
        }
      });

      it(`${journal}: a waiting BEGIN IMMEDIATE retried after the holder committed succeeds and goes on`, async () => {
        const { gates, runner, repository, intruder, close } = bench(journal, 'immediate');
        try {
          intruder.exec('BEGIN IMMEDIATE');
          await gates.start(0, () => repository.acquireLock('ticket-1', 'worker-0'));
          await gates.step(0);
          intruder.exec('COMMIT');
          while (!gates.settled(0)) await gates.step(0);
          assert.deepEqual(
            runner.records.map((r) => `${r.action} | ${r.outcome}`),
            ['BEGIN IMMEDIATE | SQLITE_BUSY, waits', 'BEGIN IMMEDIATE | ok', 'SELECT ticket-1 | free', 'UPDATE ticket-1 SET locked_by = worker-0 | ok', 'COMMIT | ok'],
          );
          assert.equal((gates.value(0) as TicketLock).ticketId, 'ticket-1');
        } finally {
          close();
        }
      });
    }

    it('delete: a COMMIT that keeps waiting for a reader times out, and the transaction is rolled back', async () => {
      const { gates, runner, repository, intruder, close } = bench('delete', 'deferred');
      try {
        intruder.exec('BEGIN');
        intruder.prepare('SELECT * FROM tickets').all();
        await gates.start(0, () => repository.acquireLock('ticket-0', 'worker-0'));
        for (let i = 0; i < 5; i++) await gates.step(0);
        assert.deepEqual(
          runner.records.map((r) => `${r.action} | ${r.outcome}`),
          [
            'BEGIN DEFERRED | ok',
            'SELECT ticket-0 | free',
            'UPDATE ticket-0 SET locked_by = worker-0 | ok',
            'COMMIT | SQLITE_BUSY, waits',
            'COMMIT | SQLITE_BUSY after the busy timeout',
          ],
        );
        await gates.step(0);
        assert.equal(runner.records.at(-1)?.action, 'ROLLBACK');
        assert.equal(gates.status(0), 'failed');
        intruder.exec('COMMIT');
        assert.equal(intruder.prepare("SELECT locked_by FROM tickets WHERE id = 'ticket-0'").pluck().get(), null);
      } finally {
        close();
      }
    });
  });

  describe('releaseLock and renewLock on real SQLite (production path: immediateGate, a real busy timeout)', () => {
    for (const mode of ['deferred', 'immediate'] as const) {
      it(`${mode}: acquire, renew, release, and the checks on who holds the ticket`, async () => {
        const dir = mkdtempSync(path.join(parentDir, 'lockstep-'));
        const db = new Database(path.join(dir, 'tickets.db'), { timeout: 1000 });
        try {
          db.exec(TICKETS_SCHEMA);
          db.prepare("INSERT INTO tickets (id) VALUES ('t1'), ('t2')").run();
          let clock = 1_000;
          const repo = new TicketRepository(new DirectStatementRunner(db), mode, { ticketIds: ['t1', 't2'], now: () => clock });
          const row = (id: string) => db.prepare<[string], { locked_by: string | null; lease_expires: number | null }>('SELECT locked_by, lease_expires FROM tickets WHERE id = ?').get(id);

          assert.deepEqual(await repo.acquireLock('t1', 'alice', 500), { ticketId: 't1', lockedBy: 'alice', leaseExpires: 1_500 });
          assert.equal(await repo.acquireLock('t1', 'bob', 500), null, 'taken');
          assert.deepEqual(row('t1'), { locked_by: 'alice', lease_expires: 1_500 });

          clock = 2_000;
          assert.equal(await repo.renewLock('t1', 'bob', 500), false, 'only the holder renews');
          assert.deepEqual(row('t1'), { locked_by: 'alice', lease_expires: 1_500 });
          assert.equal(await repo.renewLock('t1', 'alice', 700), true);
          assert.deepEqual(row('t1'), { locked_by: 'alice', lease_expires: 2_700 });

          assert.equal(await repo.releaseLock('t1', 'bob'), false, 'only the holder releases');
          assert.equal(row('t1')?.locked_by, 'alice');
          assert.equal(await repo.releaseLock('t1', 'alice'), true);
          assert.deepEqual(row('t1'), { locked_by: null, lease_expires: null });
          assert.equal(await repo.releaseLock('t1', 'alice'), false, 'nothing left to release');
          assert.equal(await repo.renewLock('t1', 'alice'), false, 'nothing left to renew');

          assert.equal((await repo.getAndLockNextTicket('carol'))?.ticketId, 't1');
          assert.equal((await repo.getAndLockNextTicket('dave'))?.ticketId, 't2');
          assert.equal(await repo.getAndLockNextTicket('erin'), null, 'every ticket is held');
          assert.equal(db.inTransaction, false);
        } finally {
          db.close();
          rmSync(dir, { recursive: true, force: true });
        }
      });
    }

    it('an error inside the transaction rolls back and rethrows; a failed BEGIN is not rolled back', async () => {
      const dir = mkdtempSync(path.join(parentDir, 'lockstep-'));
      const file = path.join(dir, 'tickets.db');
      const db = new Database(file, { timeout: 0 });
      const other = new Database(file, { timeout: 0 });
      try {
        db.exec(TICKETS_SCHEMA);
        db.prepare("INSERT INTO tickets (id) VALUES ('t1')").run();
        const issued: string[] = [];
        const direct = new DirectStatementRunner(db);
        const repo = new TicketRepository(
          { db, statement: (kind, action, run) => (issued.push(action), direct.statement(kind, action, run)) },
          'immediate',
        );
        await assert.rejects(
          repo.transaction('deferred', async () => {
            db.prepare("UPDATE tickets SET locked_by = 'x' WHERE id = 't1'").run();
            throw new Error('boom');
          }),
          /boom/,
        );
        assert.deepEqual(issued, ['BEGIN DEFERRED', 'ROLLBACK']);
        assert.equal(db.prepare("SELECT locked_by FROM tickets WHERE id = 't1'").pluck().get(), null);

        issued.length = 0;
        other.exec('BEGIN IMMEDIATE');
        await assert.rejects(repo.acquireLock('t1', 'x'), { code: 'SQLITE_BUSY' });
        assert.deepEqual(issued, ['BEGIN IMMEDIATE']);
        other.exec('ROLLBACK');
      } finally {
        db.close();
        other.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('agreement with the model, step by step', () => {
    const cases: { name: string; options: (j: Journal) => TicketsRunOptions; prefix: readonly number[] }[] = [
      { name: 'deferred, barrier then round-robin', options: (j) => opts(j, 'deferred'), prefix: BARRIER },
      { name: 'immediate, round-robin', options: (j) => opts(j, 'immediate'), prefix: [] },
      { name: 'next, immediate, round-robin', options: (j) => opts(j, 'immediate', 'next'), prefix: [] },
      { name: 'next, deferred, barrier then round-robin', options: (j) => opts(j, 'deferred', 'next'), prefix: BARRIER },
      { name: 'deferred, worker-0 alone first', options: (j) => opts(j, 'deferred'), prefix: [0, 1, 0, 0, 0, 1, 2, 1, 2] },
    ];
    for (const journal of ['delete', 'wal'] as const) {
      for (const { name, options, prefix } of cases) {
        it(`${journal}, ${name}: the same records and observations after every step`, async () => {
          const expected = modelSchedule(options(journal), prefix);
          const run = await openTicketsRun(options(journal));
          try {
            for (const [index, actor] of expected.schedule.entries()) {
              assert.equal(run.finished(actor), false);
              assert.deepEqual(await run.step(actor), expected.records[index], `step ${index}`);
              assert.deepEqual(run.observe(), expected.observations[index], `observation after step ${index}`);
            }
            assert.deepEqual(run.actors.map((_, a) => run.finished(a)), expected.finished);
          } finally {
            await run.close();
          }
        });
      }

      it(`${journal}: every complete schedule of 2 workers, each variant and workload, agrees with the model`, async () => {
        let schedules = 0;
        for (const mode of ['deferred', 'immediate'] as const) {
          for (const workload of ['acquire', 'next'] as const) {
            const options = opts(journal, mode, workload, 2);
            const model = createTicketsModel(options);
            const all: number[][] = [];
            const walk = (world: typeof model.initial, schedule: number[]): void => {
              const enabled = model.enabled(world);
              if (enabled.length === 0) all.push(schedule);
              for (const a of enabled) walk(model.step(world, a).world, [...schedule, a]);
            };
            walk(model.initial, []);
            for (const schedule of all) {
              let world = model.initial;
              const run = await openTicketsRun(options);
              try {
                for (const actor of schedule) {
                  const next = model.step(world, actor);
                  world = next.world;
                  assert.deepEqual(await run.step(actor), next.record, `${mode}/${workload} schedule ${schedule.join('')}`);
                }
                assert.deepEqual(run.observe(), model.observe(world), `${mode}/${workload} schedule ${schedule.join('')}`);
              } finally {
                await run.close();
              }
            }
            schedules += all.length;
          }
        }
        assert.equal(schedules, 70 + 70 + 8 + 8);
      });
    }
  });

  describe('cleanup', () => {
    it('close() removes the run directory, is idempotent, and works after a failed step', async () => {
      const run = await openTicketsRun(opts('wal', 'deferred'));
      assert.ok(existsSync(run.dir));
      await run.step(0);
      await assert.rejects(run.step(7), /no actor 7/);
      await run.close();
      assert.equal(existsSync(run.dir), false);
      await run.close();
      await assert.rejects(run.step(0), /closed/);
    });

    it('bad parameters are refused before anything is created', async () => {
      await assert.rejects(openTicketsRun({ ...opts('delete', 'deferred'), workers: 0 }), /workers/);
      await assert.rejects(openTicketsRun({ ...opts('delete', 'deferred'), journal: 'memory' as Journal }), /journal/);
    });

    it('no lockstep-* directory is left behind by this suite (every run above used the same parent directory)', () => {
      assert.deepEqual(readdirSync(parentDir), []);
    });
  });
});
