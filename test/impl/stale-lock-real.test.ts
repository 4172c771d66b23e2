/**
 * The real side of the stale-lock scenario: the lock code in-process with the production gate, the stale lock
 * really left by a killed process, contenders really separate processes, cleanup of every child and every
 * directory (also when a run is closed half way), the free-running race harness, and the stale-race command's
 * usage contract. No timed assertions, and no assertion on how often a free race shows the bug.
 */
import { assertValidJsonOutput } from '../cli/run-lockstep.js';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PidLockFile, processIsAlive } from '../../impl/stale-lock/pid-lock-file.js';
import { StaleLockProcesses } from '../../impl/stale-lock/stale-lock-processes.js';
import { openStaleLockRun } from '../../impl/stale-lock/stale-lock.real-engine.js';
import { runStaleLockRace } from '../../impl/stale-lock/stale-lock.race.js';

const BIN = fileURLToPath(new URL('../../../bin/lockstep.js', import.meta.url));
const now = () => Promise.resolve();

describe('stale-lock real engine (child processes, real files)', function () {
  this.timeout(120_000);
  let parent: string;
  beforeEach(() => (parent = mkdtempSync(join(tmpdir(), 'lockstep-test-'))));
  afterEach(() => rmSync(parent, { recursive: true, force: true }));

  it('the lock code in-process: takes a free lock, refuses one whose owner lives, releases', async () => {
    const path = join(parent, 'lock');
    const mine = new PidLockFile(path, { variant: 'tombstone', maxTries: 1, backoffMs: 0, gate: now, sleep: now });
    assert.equal(await mine.acquire(), true);
    assert.match(readFileSync(path, 'utf8'), new RegExp(`^${process.pid} [0-9a-f]{16}\\n$`));
    const other = new PidLockFile(path, { variant: 'check-then-remove', maxTries: 2, backoffMs: 0, gate: now, sleep: now });
    assert.equal(await other.acquire(), false, 'the owner (this very process) is alive');
    assert.deepEqual(other.steps.map((s) => s.op), ['create', 'read', 'create', 'read']);
    assert.equal(other.steps.at(-1)?.givesUp, true);
    await mine.release();
    assert.equal(existsSync(path), false);
  });

  it('the stale lock was taken by a process that is really dead; the contenders are live processes of their own', async () => {
    const processes = new StaleLockProcesses(parent);
    try {
      const run = await openStaleLockRun({ variant: 'tombstone', contenders: 2, maxTries: 2, processes });
      try {
        assert.equal(processIsAlive(run.holderPid), false);
        assert.match(readFileSync(join(run.dir, 'lock'), 'utf8'), new RegExp(`^${run.holderPid} `));
        assert.deepEqual(run.observe(), { contenders: [{ name: 'worker-0', status: 'trying' }, { name: 'worker-1', status: 'trying' }], lockFile: 'crashed' });
        for (const pid of run.contenderPids) {
          assert.notEqual(pid, process.pid);
          assert.equal(processIsAlive(pid), true);
        }
        assert.deepEqual(await run.step(0), { actor: 'worker-0', action: 'open lock wx', outcome: 'EEXIST' });
        assert.deepEqual(await run.step(0), { actor: 'worker-0', action: 'read lock, kill(pid, 0)', outcome: 'pid of crashed, dead' });
        assert.deepEqual(await run.step(0), { actor: 'worker-0', action: 'open lock.broken-crashed wx', outcome: 'created' });
        assert.ok(readdirSync(run.dir).some((f) => f.startsWith(`lock.broken-${run.holderPid}-`)), 'the tombstone is a real file');
      } finally {
        await run.close();
      }
      assert.equal(existsSync(run.dir), false, 'the run directory is removed');
      for (const pid of run.contenderPids) assert.equal(processIsAlive(pid), false, 'a contender left half way is killed');
    } finally {
      await processes.close();
    }
    assert.deepEqual(readdirSync(parent), [], 'every directory is removed');
  });

  it('contenders that finished are reused by the next run, and all are killed on close', async () => {
    const processes = new StaleLockProcesses(parent);
    let pids: readonly number[] = [];
    try {
      for (let i = 0; i < 2; i++) {
        const run = await openStaleLockRun({ variant: 'check-then-remove', contenders: 2, maxTries: 2, processes });
        try {
          if (i === 1) assert.deepEqual([...run.contenderPids].sort(), [...pids].sort(), 'the same warm processes');
          pids = run.contenderPids;
          while (!run.finished(0)) await run.step(0);
          while (!run.finished(1)) await run.step(1);
          assert.deepEqual(run.observe().contenders.map((c) => c.status), ['released', 'released'], 'worker-1 finds the lock already released');
        } finally {
          await run.close();
        }
      }
    } finally {
      await processes.close();
    }
    for (const pid of pids) assert.equal(processIsAlive(pid), false);
    assert.deepEqual(readdirSync(parent), []);
  });

  it('a contender that fails is reported, killed on close, and its directory removed', async () => {
    const processes = new StaleLockProcesses(parent);
    try {
      const run = await openStaleLockRun({ variant: 'check-then-remove', contenders: 2, maxTries: 2, processes });
      try {
        rmSync(run.dir, { recursive: true, force: true }); // the lock's directory vanishes: open() fails with ENOENT
        await assert.rejects(run.step(1), /worker-1 failed: ENOENT/);
      } finally {
        await run.close();
      }
      for (const pid of run.contenderPids) assert.equal(processIsAlive(pid), false);
    } finally {
      await processes.close();
    }
    assert.deepEqual(readdirSync(parent), []);
  });

  it('free race, tombstone: never two holders, and every directory is removed', async () => {
    const result = await runStaleLockRace({ variant: 'tombstone', contenders: 2, maxTries: 2, runs: 20, backoffMs: 1, jitterUs: 2000, parentDir: parent });
    assert.equal(result.runs, 20);
    assert.equal(result.twoHolders, 0);
    assert.equal(result.firstTwoHolders, null);
    assert.equal(result.noHolder, 0, 'a crashed holder\'s lock is always recovered');
    assert.deepEqual(readdirSync(parent), []);
  });

  it('free race, check-then-remove: a run with two holders, when there is one, shows both taking the lock', async () => {
    const result = await runStaleLockRace({ variant: 'check-then-remove', contenders: 2, maxTries: 2, runs: 20, backoffMs: 1, jitterUs: 2000, parentDir: parent });
    assert.ok(result.twoHolders <= result.bothSawStale, 'two holders only ever after both saw the dead pid');
    if (result.firstTwoHolders !== null) {
      const { timeline, holders } = result.firstTwoHolders;
      for (const holder of holders) assert.ok(timeline.some((s) => s.actor === holder && s.outcome === 'written, holds'));
    }
    assert.deepEqual(readdirSync(parent), []);
  });

  it('lockstep stale-race: bad usage is exit 2 with one line; --json prints one document', () => {
    const bad = spawnSync(process.execPath, [BIN, 'stale-race', '--variant', 'nope'], { encoding: 'utf8' });
    assert.equal(bad.status, 2);
    assert.equal(bad.stderr, "lockstep stale-race: --variant must be check-then-remove or tombstone, got 'nope'\n");
    const ok = spawnSync(process.execPath, [BIN, 'stale-race', '--variant', 'tombstone', '--runs', '3', '--json'], { encoding: 'utf8' });
    assert.equal(ok.status, 0);
    const result = assertValidJsonOutput(ok.stdout) as { command: string; runs: number; twoHolders: number };
    assert.equal(result.command, 'stale-race');
    assert.equal(result.runs, 3);
    assert.equal(result.twoHolders, 0);
  });
});
