// The real-SQLite lock-step driver (impl/lock-step/): every fact of ../shared/sqlite-facts.md, re-observed on
// real SQLite through the driver (outcomes with busy timeout 0, and whether a busy step waited with timeout T),
// the reuse path against the fresh path, and cleanup of temporary directories. The same facts, with notes, are
// in impl/lock-step/OBSERVATIONS.md.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  LockStepPool,
  measureWouldWait,
  runLockScript,
  sampleScripts,
  SCRATCH_PREFIX,
  statusOfCode,
  type RealJournal,
  type RealLockScript,
  type RealLockStep,
  type RealStepOutcome,
  type TimedStepOutcome,
} from '../../impl/lock-step/index.js';

/** Short form of a step, as in OBSERVATIONS.md: `0:BD` `0:BI` `0:BX` `0:R` `0:W` `0:C` `0:RB` (key "a"). */
type StepBody = RealLockStep extends infer S ? (S extends RealLockStep ? Omit<S, 'conn'> : never) : never;
const SHORT_OPS: Record<string, StepBody> = {
  BD: { op: 'begin', mode: 'deferred' },
  BI: { op: 'begin', mode: 'immediate' },
  BX: { op: 'begin', mode: 'exclusive' },
  R: { op: 'read', key: 'a' },
  W: { op: 'write', key: 'a' },
  C: { op: 'commit' },
  RB: { op: 'rollback' },
};

function script(journal: RealJournal, connections: number, text: string): RealLockScript {
  const steps = text
    .trim()
    .split(/\s+/)
    .map((token) => {
      const [conn, op] = token.split(':');
      const base = op === undefined ? undefined : SHORT_OPS[op];
      if (conn === undefined || base === undefined) throw new Error(`bad short step ${token}`);
      return { conn: Number(conn), ...base } as RealLockStep;
    });
  return { journal, connections, keys: ['a'], steps };
}

/** `ok`, `ok=0 tx`, `BUSY tx`, `BUSY_SNAPSHOT tx`, `ERROR` ...: status or code, value, still in a transaction. */
function short(outcome: RealStepOutcome): string {
  let text = outcome.status === 'ok' ? 'ok' : (outcome.code ?? '?').replace(/^SQLITE_/, '');
  if (outcome.value !== undefined) text += `=${outcome.value}`;
  return outcome.inTransaction ? `${text} tx` : text;
}

/** As {@link short}, plus `waited` / `fast` on a busy step of a timed run. */
function shortTimed(timed: TimedStepOutcome): string {
  const text = short(timed.outcome);
  return timed.waited === undefined ? text : `${text} ${timed.waited ? 'waited' : 'fast'}`;
}

/** The fields of an outcome agree with the format: code iff not ok, status from code, value iff a read was ok. */
function checkShape(s: RealLockScript, outcomes: readonly RealStepOutcome[]): void {
  outcomes.forEach((o, i) => {
    if (o.status === 'ok') assert.equal(o.code, undefined);
    else assert.equal(o.status, statusOfCode(o.code ?? ''), `step ${i}`);
    assert.equal(o.value !== undefined, o.status === 'ok' && s.steps[i]?.op === 'read', `value of step ${i}`);
  });
}

/**
 * Runs the short script with busy timeout 0 and again timed, and checks both against `expected`
 * (`|`-separated, one per step; `waited` / `fast` only on busy steps, and only checked on the timed run).
 */
function observe(journal: RealJournal, connections: number, text: string, expected: string): void {
  const s = script(journal, connections, text);
  const want = expected.split('|').map((e) => e.trim());
  assert.equal(want.length, s.steps.length, 'one expected outcome per step');
  const plain = runLockScript(s);
  checkShape(s, plain);
  assert.deepEqual(plain.map(short), want.map((w) => w.replace(/ (waited|fast)$/, '')), 'outcomes with timeout 0');
  const timed = measureWouldWait(s);
  assert.deepEqual(timed.map((t) => t.outcome), plain, 'a timed run gives the outcomes of the timeout-0 run');
  assert.deepEqual(timed.map(shortTimed), want, 'outcomes and waits with timeout T');
}

describe('lock-step driver: rollback journal (journal_mode=DELETE) on real SQLite', function () {
  it('BEGIN DEFERRED takes no lock', () => {
    observe('delete', 2, '0:BD 1:BX 1:RB', 'ok tx | ok tx | ok');
  });

  it('the first read of a deferred transaction takes SHARED: BEGIN EXCLUSIVE and autocommit writes wait and fail', () => {
    observe('delete', 2, '0:BD 0:R 1:BX 1:W', 'ok tx | ok=0 tx | BUSY waited | BUSY waited');
  });

  it('the first write takes RESERVED: readers go on, other writers wait and fail', () => {
    observe('delete', 2, '0:BD 0:W 1:R 1:BI 1:W', 'ok tx | ok tx | ok=0 | BUSY waited | BUSY waited');
  });

  it('BEGIN IMMEDIATE takes RESERVED at once', () => {
    observe('delete', 2, '0:BI 1:BI 1:R 1:W', 'ok tx | BUSY waited | ok=0 | BUSY waited');
  });

  it('BEGIN EXCLUSIVE takes EXCLUSIVE at once: readers are refused, also the first read of a deferred transaction', () => {
    observe(
      'delete',
      2,
      '0:BX 1:R 1:BD 1:R 1:W 0:C 1:R',
      'ok tx | BUSY waited | ok tx | BUSY tx waited | BUSY tx waited | ok | ok=0 tx',
    );
  });

  it('a COMMIT that cannot get EXCLUSIVE waits, fails busy, stays open and keeps PENDING: new readers are refused, old ones go on', () => {
    observe(
      'delete',
      4,
      '0:BD 0:W 1:BD 1:R 0:C 2:R 1:R 3:BD 3:R 2:BI 1:C 0:C 2:R 3:R',
      'ok tx | ok tx | ok tx | ok=0 tx | BUSY tx waited | BUSY waited | ok=0 tx | ok tx | BUSY tx waited | BUSY waited | ok | ok | ok=1 | ok=1 tx',
    );
  });

  it('COMMIT of a BEGIN IMMEDIATE that wrote nothing still needs EXCLUSIVE', () => {
    observe('delete', 2, '0:BI 1:BD 1:R 0:C 1:C 0:C', 'ok tx | ok tx | ok=0 tx | BUSY tx waited | ok | ok');
  });

  it('an autocommit write fails at the EXCLUSIVE stage while another holds SHARED, rolled back, leaving neither RESERVED nor PENDING', () => {
    observe('delete', 3, '0:BD 0:R 1:W 2:R 2:BI 2:RB', 'ok tx | ok=0 tx | BUSY waited | ok=0 | ok tx | ok');
  });

  it('BEGIN EXCLUSIVE from autocommit failing while another holds SHARED leaves no lock behind', () => {
    observe(
      'delete',
      3,
      '0:BD 0:R 1:BX 2:R 2:BI 2:RB 0:C 1:BX',
      'ok tx | ok=0 tx | BUSY waited | ok=0 | ok tx | ok | ok | ok tx',
    );
  });

  it('a deferred transaction whose first statement is a write that fails busy stays open but holds no lock (not even SHARED)', () => {
    observe(
      'delete',
      3,
      '0:BI 1:BD 1:W 2:R 0:W 0:C 1:R',
      'ok tx | ok tx | BUSY tx waited | ok=0 | ok tx | ok | ok=1 tx',
    );
  });

  it('ROLLBACK after a busy COMMIT ends the transaction and releases PENDING', () => {
    observe(
      'delete',
      3,
      '0:BD 0:W 1:BD 1:R 0:C 0:RB 2:R 1:C',
      'ok tx | ok tx | ok tx | ok=0 tx | BUSY tx waited | ok | ok=0 | ok',
    );
  });

  it('a connection holding SHARED that tries to write fails at once, and keeps SHARED', () => {
    observe(
      'delete',
      2,
      '0:BI 1:BD 1:R 1:W 0:W 0:C',
      'ok tx | ok tx | ok=0 tx | BUSY tx fast | ok tx | BUSY tx waited',
    );
  });

  it('reads see the last committed state and the connection\'s own uncommitted writes', () => {
    observe('delete', 2, '0:BD 0:W 0:R 1:R 0:C 1:R', 'ok tx | ok tx | ok=1 tx | ok=0 | ok | ok=1');
  });

  it('an autocommit read holds SHARED only during the call', () => {
    observe('delete', 2, '0:R 1:BX', 'ok=0 | ok tx');
  });

  it('deadlock: the reader that wants to write fails at once, the writer\'s COMMIT waits and fails; ROLLBACK of the reader breaks it', () => {
    observe(
      'delete',
      2,
      '0:BD 0:R 1:BD 1:R 1:W 0:W 1:C 0:RB 1:C',
      'ok tx | ok=0 tx | ok tx | ok=0 tx | ok tx | BUSY tx fast | BUSY tx waited | ok | ok',
    );
  });

  it('Actifix: three deferred transactions read, then all write: one wins, the others fail at once', () => {
    observe(
      'delete',
      3,
      '0:BD 0:R 1:BD 1:R 2:BD 2:R 0:W 1:W 2:W',
      'ok tx | ok=0 tx | ok tx | ok=0 tx | ok tx | ok=0 tx | ok tx | BUSY tx fast | BUSY tx fast',
    );
  });

  it('Actifix fix: with BEGIN IMMEDIATE each one asks for the write lock with no transaction open, so it waits', () => {
    observe('delete', 3, '0:BI 1:BI 2:BI', 'ok tx | BUSY waited | BUSY waited');
  });

  it('BEGIN IMMEDIATE inside a transaction takes RESERVED before failing with SQLITE_ERROR, and keeps it', () => {
    observe('delete', 2, '0:BD 0:R 0:BI 1:BI 0:C 1:BI', 'ok tx | ok=0 tx | ERROR tx | BUSY waited | ok | ok tx');
  });

  it('BEGIN EXCLUSIVE inside a transaction takes EXCLUSIVE before failing with SQLITE_ERROR, and keeps it', () => {
    observe('delete', 2, '0:BD 0:R 0:BX 1:R 0:C 1:R', 'ok tx | ok=0 tx | ERROR tx | BUSY waited | ok | ok=0');
  });

  it('BEGIN IMMEDIATE inside a transaction that cannot get RESERVED: SQLITE_BUSY (waited before a read, at once after), no lock kept', () => {
    observe('delete', 3, '0:BI 1:BD 1:BI 1:R 1:BI 0:RB 2:BI', 'ok tx | ok tx | BUSY tx waited | ok=0 tx | BUSY tx fast | ok | ok tx');
  });

  it('BEGIN EXCLUSIVE inside a read transaction while another holds SHARED waits, fails busy, and keeps RESERVED and PENDING until that transaction ends', () => {
    observe(
      'delete',
      3,
      '0:BD 0:R 1:BD 1:R 1:BX 2:R 2:BI 1:C 2:BI',
      'ok tx | ok=0 tx | ok tx | ok=0 tx | BUSY tx waited | BUSY waited | BUSY waited | ok | ok tx',
    );
  });

  it('BEGIN EXCLUSIVE inside a transaction that has not read yet, while another holds SHARED, waits, fails busy and keeps no lock', () => {
    observe('delete', 3, '0:BD 0:R 1:BD 1:BX 2:R 2:BI 2:RB', 'ok tx | ok=0 tx | ok tx | BUSY tx waited | ok=0 | ok tx | ok');
  });

  it('after that failed BEGIN EXCLUSIVE the transaction can write and commit once the other reader has left', () => {
    observe(
      'delete',
      2,
      '0:BD 0:R 1:BD 1:R 1:BX 0:C 1:W 1:C 0:R',
      'ok tx | ok=0 tx | ok tx | ok=0 tx | BUSY tx waited | ok | ok tx | ok | ok=1',
    );
  });

  it('after that failed BEGIN EXCLUSIVE the transaction can write at once (it holds RESERVED), and then its COMMIT needs EXCLUSIVE', () => {
    observe(
      'delete',
      2,
      '0:BD 0:R 1:BD 1:R 1:BX 1:W 1:C 1:R 0:R 1:RB 0:R',
      'ok tx | ok=0 tx | ok tx | ok=0 tx | BUSY tx waited | ok tx | BUSY tx waited | ok=1 tx | ok=0 tx | ok | ok=0 tx',
    );
  });

  it('COMMIT or ROLLBACK with no transaction and BEGIN inside a transaction are SQLITE_ERROR and change nothing', () => {
    observe('delete', 2, '0:C 0:RB 0:BD 0:BD 0:C 1:BX 0:BD 0:BD 0:C', 'ERROR | ERROR | ok tx | ERROR tx | ok | ok tx | ok tx | ERROR tx | ok');
  });
});

describe('lock-step driver: WAL (journal_mode=WAL) on real SQLite', function () {
  it('readers and the writer do not block each other, and COMMIT does not wait for readers', () => {
    observe(
      'wal',
      2,
      '0:BI 0:W 1:R 1:BD 1:R 0:C 1:R 1:C 1:R',
      'ok tx | ok tx | ok=0 | ok tx | ok=0 tx | ok | ok=0 tx | ok | ok=1',
    );
  });

  it('one writer at a time: BEGIN IMMEDIATE, a first write and an autocommit write wait and fail', () => {
    observe(
      'wal',
      2,
      '0:BI 1:BI 1:BD 1:W 1:RB 1:W 1:BX',
      'ok tx | BUSY waited | ok tx | BUSY tx waited | ok | BUSY waited | BUSY waited',
    );
  });

  it('BEGIN EXCLUSIVE behaves like BEGIN IMMEDIATE: readers go on', () => {
    observe('wal', 2, '0:BX 1:R 1:BI', 'ok tx | ok=0 | BUSY waited');
  });

  it('a read transaction\'s snapshot is taken at its first read, not at BEGIN', () => {
    observe('wal', 2, '0:BD 1:W 0:R 0:C', 'ok tx | ok | ok=1 tx | ok');
  });

  it('a deferred transaction that read keeps its snapshot after another commits', () => {
    observe('wal', 2, '0:BD 0:R 1:W 1:W 0:R 0:C 0:R', 'ok tx | ok=0 tx | ok | ok | ok=0 tx | ok | ok=2');
  });

  it('a reader that turns writer after another committed gets SQLITE_BUSY_SNAPSHOT at once, stays open and stale; only ROLLBACK helps', () => {
    observe(
      'wal',
      2,
      '0:BD 0:R 1:W 0:R 0:W 0:W 0:R 0:RB 0:BD 0:W 0:C 0:R',
      'ok tx | ok=0 tx | ok | ok=0 tx | BUSY_SNAPSHOT tx fast | BUSY_SNAPSHOT tx fast | ok=0 tx | ok | ok tx | ok tx | ok | ok=2',
    );
  });

  it('if nothing was committed in between, a reader can become the writer', () => {
    observe('wal', 2, '0:BD 0:R 1:BD 1:R 0:W 0:C', 'ok tx | ok=0 tx | ok tx | ok=0 tx | ok tx | ok');
  });

  it('a reader that turns writer while another holds the write lock gets SQLITE_BUSY at once; once that one commits, SQLITE_BUSY_SNAPSHOT', () => {
    observe(
      'wal',
      2,
      '0:BD 0:R 1:BI 1:W 0:W 1:C 0:W',
      'ok tx | ok=0 tx | ok tx | ok tx | BUSY tx fast | ok | BUSY_SNAPSHOT tx fast',
    );
  });

  it('a stale reader that turns writer while another holds the write lock gets SQLITE_BUSY, not SQLITE_BUSY_SNAPSHOT', () => {
    observe(
      'wal',
      3,
      '0:BD 0:R 1:W 2:BI 0:W 2:RB 0:W',
      'ok tx | ok=0 tx | ok | ok tx | BUSY tx fast | ok | BUSY_SNAPSHOT tx fast',
    );
  });

  it('a deferred transaction whose first statement is a write that fails busy takes no snapshot', () => {
    observe(
      'wal',
      2,
      '0:BI 1:BD 1:W 0:W 0:C 1:R 1:W 1:C',
      'ok tx | ok tx | BUSY tx waited | ok tx | ok | ok=1 tx | ok tx | ok',
    );
  });

  it('COMMIT of a BEGIN IMMEDIATE that wrote nothing does not wait for readers', () => {
    observe('wal', 2, '0:BI 1:BD 1:R 0:C', 'ok tx | ok tx | ok=0 tx | ok');
  });

  it('BEGIN IMMEDIATE inside a read transaction takes the write lock before failing with SQLITE_ERROR, and keeps it', () => {
    observe('wal', 2, '0:BD 0:R 0:BI 1:BI 0:C 1:BI', 'ok tx | ok=0 tx | ERROR tx | BUSY waited | ok | ok tx');
  });

  it('BEGIN IMMEDIATE inside a stale read transaction is SQLITE_BUSY_SNAPSHOT', () => {
    observe('wal', 2, '0:BD 0:R 1:W 0:BI 0:W 0:RB', 'ok tx | ok=0 tx | ok | BUSY_SNAPSHOT tx fast | BUSY_SNAPSHOT tx fast | ok');
  });

  it('COMMIT or ROLLBACK with no transaction and BEGIN inside a transaction are SQLITE_ERROR and change nothing', () => {
    observe('wal', 1, '0:C 0:RB 0:BD 0:BD 0:C', 'ERROR | ERROR | ok tx | ERROR tx | ok');
  });
});

describe('lock-step driver: timing, reuse, cleanup', function () {
  it('the busy handler sleeps in milliseconds here: a waited SQLITE_BUSY with T = 20 takes about 20 ms, not 0 and not whole seconds', () => {
    const [, timed] = measureWouldWait(script('delete', 2, '0:BX 1:R'), { timeoutMs: 20 });
    assert.equal(timed?.outcome.code, 'SQLITE_BUSY');
    assert.equal(timed?.waited, true);
    // A lower bound cannot flake (a sleep is never shorter than asked); 1000 ms is what whole-second sleeps would cost.
    assert.ok((timed?.elapsedMs ?? 0) >= 19 && (timed?.elapsedMs ?? 0) < 1000, `elapsed ${timed?.elapsedMs} ms`);
  });

  it('statusOfCode: SQLITE_BUSY_SNAPSHOT is busy_snapshot, every other SQLITE_BUSY* is busy, anything else is error', () => {
    assert.equal(statusOfCode('SQLITE_BUSY'), 'busy');
    assert.equal(statusOfCode('SQLITE_BUSY_RECOVERY'), 'busy');
    assert.equal(statusOfCode('SQLITE_BUSY_TIMEOUT'), 'busy');
    assert.equal(statusOfCode('SQLITE_BUSY_SNAPSHOT'), 'busy_snapshot');
    assert.equal(statusOfCode('SQLITE_ERROR'), 'error');
    assert.equal(statusOfCode('SQLITE_LOCKED'), 'error');
  });

  it('the reuse path (LockStepPool) gives the outcomes of the fresh path on 300 varied scripts', () => {
    const scripts = sampleScripts(300, 20240607);
    const fresh = scripts.map((s) => runLockScript(s));
    const pool = new LockStepPool();
    let reused: RealStepOutcome[][];
    try {
      reused = scripts.map((s) => pool.run(s));
      assert.ok(pool.stats.reused >= 250, `reused ${pool.stats.reused}`);
      assert.equal(pool.stats.discarded, 0);
    } finally {
      pool.close();
    }
    scripts.forEach((s, i) => assert.deepEqual(reused[i], fresh[i], `script ${i}: ${JSON.stringify(s)}`));
    // A pool too small for the shapes closes and recreates databases; that must not change anything either.
    const small = new LockStepPool({ maxDatabases: 2 });
    try {
      scripts.slice(0, 100).forEach((s, i) => assert.deepEqual(small.run(s), fresh[i], `small pool, script ${i}`));
    } finally {
      small.close();
    }
    // Not vacuous: the scripts reached every status, in both journal modes.
    const statuses = new Set(fresh.flatMap((outcomes, i) => outcomes.map((o) => `${scripts[i]?.journal} ${o.status}`)));
    for (const journal of ['delete', 'wal']) {
      for (const status of ['ok', 'busy', 'error']) assert.ok(statuses.has(`${journal} ${status}`), `${journal} ${status}`);
    }
    assert.ok(statuses.has('wal busy_snapshot'));
  });

  it('synchronous=OFF changes no outcome', () => {
    const scripts = sampleScripts(60, 99);
    for (const s of scripts) {
      assert.deepEqual(runLockScript(s, { synchronousOff: true }), runLockScript(s, { synchronousOff: false }));
    }
  });

  it('an unknown op propagates its error; a connection the script lacks, or too many connections, is a RangeError', () => {
    const bad = { ...script('delete', 2, '0:BD 0:R'), steps: [...script('delete', 2, '0:BD 0:R').steps, { conn: 0, op: 'drop' } as never] };
    assert.throws(() => runLockScript(bad), /unknown op "drop"/);
    assert.throws(() => runLockScript(script('delete', 2, '0:BD 2:R')), RangeError);
    assert.throws(() => runLockScript({ ...script('delete', 1, '0:R'), connections: 9 }), RangeError);
  });

  it('the pool discards a database whose script threw, and the next script still starts clean', () => {
    const pool = new LockStepPool();
    try {
      const s = script('delete', 2, '0:BD 0:W');
      const bad = { ...s, steps: [...s.steps, { conn: 0, op: 'drop' } as never] };
      assert.throws(() => pool.run(bad), /unknown op/);
      assert.equal(pool.stats.discarded, 1);
      assert.deepEqual(pool.run(script('delete', 2, '0:BX 0:R 1:R')).map(short), ['ok tx', 'ok=0 tx', 'BUSY']);
      assert.deepEqual(pool.run(script('delete', 2, '0:BX 0:R 1:R')).map(short), ['ok tx', 'ok=0 tx', 'BUSY']);
      assert.equal(pool.stats.reused, 1);
    } finally {
      pool.close();
    }
  });

  it('leaves no temporary directory behind, also when a script throws midway', () => {
    // A private TMPDIR (os.tmpdir() reads it on each call) so that other test processes cannot disturb the count.
    const privateTmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lsdriver-test-'));
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = privateTmp;
    const count = (): number => fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith(SCRATCH_PREFIX)).length;
    try {
      assert.equal(os.tmpdir(), privateTmp);
      const before = count();
      const good = script('wal', 2, '0:BD 0:R 1:W 0:W');
      const bad = { ...good, steps: [...good.steps, { conn: 1, op: 'explode' } as never, ...good.steps] };
      runLockScript(good);
      runLockScript(script('delete', 2, '0:BD 0:W 1:BD 1:R 0:C'));
      measureWouldWait(script('delete', 2, '0:BI 1:W'), { timeoutMs: 5 });
      assert.throws(() => runLockScript(bad), /unknown op/);
      assert.throws(() => measureWouldWait(bad, { timeoutMs: 5 }), /unknown op/);
      const pool = new LockStepPool();
      try {
        pool.run(good);
        assert.throws(() => pool.run(bad), /unknown op/);
        assert.equal(count(), before + 1, 'the pool keeps one directory while open');
      } finally {
        pool.close();
      }
      assert.equal(count(), before);
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
      fs.rmSync(privateTmp, { recursive: true, force: true });
    }
  });
});
