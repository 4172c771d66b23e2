/**
 * The truly concurrent barrier harness (seed 002, Actifix): real worker threads, real busy timeouts.
 * Nothing here asserts a speed: the "at once" checks compare a failure against half the busy timeout (2500 ms),
 * and a failure either comes from the busy handler (>= 5000 ms) or not at all (well under a millisecond).
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BARRIER_DATABASE_FILE,
  renderBarrier,
  runBarrier,
  type BarrierEvent,
  type BarrierJournal,
  type BarrierResult,
} from '../../impl/barrier/index.js';
import { parseBarrierArgs } from '../../sim/cli/commands/barrier.js';
import { UsageError } from '../../sim/cli/usage-error.js';

const BUSY_TIMEOUT_MS = 5000;
const RUNS = 5;
const WORKERS = 3;
const JOURNALS: readonly BarrierJournal[] = ['delete', 'wal'];

/** Every temporary directory the harness created in this file, to check they are all gone. */
const created: string[] = [];
const observe = (event: BarrierEvent): void => {
  if (event.type === 'dir') created.push(event.dir);
};

function lockstepDirs(): string[] {
  return readdirSync(tmpdir()).filter((name) => name.startsWith('lockstep-'));
}

function assertFailuresAtOnce(result: BarrierResult): void {
  const failures = result.runs.flatMap((run) => run.workers).filter((w) => !w.acquired);
  for (const f of failures) {
    assert.equal(f.failedAt, 'update', `${f.worker}: expected the failure on UPDATE, got ${String(f.failedAt)}`);
    assert.ok(
      f.code === 'SQLITE_BUSY' || f.code === 'SQLITE_BUSY_SNAPSHOT',
      `${f.worker}: expected SQLITE_BUSY(_SNAPSHOT), got ${String(f.code)}`,
    );
    assert.equal(f.timing, 'at once', `${f.worker}: the failing UPDATE took ${String(f.statementMs)} ms`);
    assert.ok(f.statementMs !== null && f.statementMs < BUSY_TIMEOUT_MS / 2);
    assert.ok(f.elapsedMs < BUSY_TIMEOUT_MS / 2, `${f.worker}: failed ${f.elapsedMs} ms after release`);
  }
  assert.equal(result.summary.failuresAfterWaiting, 0);
}

describe('impl/barrier: worker threads released together by an Atomics barrier', function () {
  this.timeout(120_000);
  let existing: Set<string>;

  before(() => {
    existing = new Set(lockstepDirs());
  });

  for (const journal of JOURNALS) {
    it(`deferred, ${journal}: fewer than ${WORKERS} acquire in most runs, and the losers fail at once`, async () => {
      const result = await runBarrier({
        workers: WORKERS,
        mode: 'deferred',
        journal,
        busyTimeoutMs: BUSY_TIMEOUT_MS,
        runs: RUNS,
        observe,
      });
      const short = result.runs.filter((run) => run.acquired < WORKERS).length;
      assert.ok(short > RUNS / 2, `only ${short}/${RUNS} runs had fewer than ${WORKERS} acquisitions\n${renderBarrier(result)}`);
      assert.ok(result.summary.failures > 0);
      assertFailuresAtOnce(result);
      // Not vacuous: the read barrier put every worker in a read transaction before the first write ...
      for (const run of result.runs) {
        if (run.readsBeforeFirstWrite === WORKERS) {
          assert.equal(run.peakReaders, WORKERS);
          // ... and then exactly one can become the writer: a timing-free fact of SQLite's locking.
          assert.equal(run.acquired, 1, renderBarrier(result));
        }
      }
      assert.ok(result.summary.runsAllReadBeforeWrite > RUNS / 2, renderBarrier(result));
    });

    it(`immediate, ${journal}: all ${WORKERS} acquire in every run`, async () => {
      const result = await runBarrier({
        workers: WORKERS,
        mode: 'immediate',
        journal,
        busyTimeoutMs: BUSY_TIMEOUT_MS,
        runs: RUNS,
        observe,
      });
      for (const run of result.runs) assert.equal(run.acquired, WORKERS, renderBarrier(result));
      assert.equal(result.summary.runsAllAcquired, RUNS);
      assert.equal(result.summary.failures, 0);
      // BEGIN IMMEDIATE serialises the transactions: never two readers at once.
      for (const run of result.runs) assert.equal(run.peakReaders, 1);
    });

    it(`deferred, ${journal}, holdAfterRead false: the scheduler decides; any loser still fails at once`, async () => {
      const result = await runBarrier({
        workers: WORKERS,
        mode: 'deferred',
        journal,
        busyTimeoutMs: BUSY_TIMEOUT_MS,
        runs: RUNS,
        holdAfterRead: false,
        observe,
      });
      assert.equal(result.holdAfterRead, false);
      for (const run of result.runs) {
        assert.ok(run.acquired >= 1 && run.acquired <= WORKERS);
        assert.ok(run.workers.every((w) => !w.steps.some((s) => s.step === 'hold')));
      }
      assertFailuresAtOnce(result);
    });
  }

  it('reports per worker, summarises and renders one line per run plus a summary', async () => {
    const result = await runBarrier({ workers: 2, mode: 'deferred', journal: 'delete', runs: 2, observe });
    assert.equal(result.runs.length, 2);
    assert.equal(result.atOnceThresholdMs, BUSY_TIMEOUT_MS / 2);
    for (const run of result.runs) {
      assert.deepEqual(
        run.workers.map((w) => w.worker),
        ['worker-0', 'worker-1'],
      );
      assert.equal(run.acquired, run.workers.filter((w) => w.acquired).length);
    }
    const text = renderBarrier(result);
    const lines = text.trimEnd().split('\n');
    assert.equal(lines.length, 1 + 2 + 1);
    assert.match(lines[1]!, /^run 1: \d\/2 acquired/);
    assert.match(lines[3]!, /^summary: /);
    assert.doesNotThrow(() => JSON.parse(JSON.stringify(result)));
  });

  it('rejects bad options before touching the file system', async () => {
    await assert.rejects(runBarrier({ workers: 0, mode: 'deferred', journal: 'delete', runs: 1 }), RangeError);
    await assert.rejects(runBarrier({ workers: 2, mode: 'deferred', journal: 'delete', runs: 0 }), RangeError);
    await assert.rejects(
      runBarrier({ workers: 2, mode: 'lazy' as 'deferred', journal: 'delete', runs: 1 }),
      RangeError,
    );
  });

  it('cleans up when a run fails while the workers are running', async () => {
    let dir: string | undefined;
    await assert.rejects(
      runBarrier({
        workers: 3,
        mode: 'immediate',
        journal: 'wal',
        runs: 1,
        observe: (event) => {
          if (event.type === 'dir') dir = event.dir;
          if (event.type === 'released') throw new Error('observer failure');
        },
      }),
      /observer failure/,
    );
    assert.ok(dir !== undefined);
    assert.equal(existsSync(dir), false, `${dir} was left behind`);
  });

  it('leaves no lockstep-* directory behind in os.tmpdir()', () => {
    assert.ok(created.length > 0);
    for (const dir of created) assert.equal(existsSync(dir), false, `${dir} was left behind`);
    // Other suites may be running at the same time and own their lockstep-* directories; ours hold barrier.db.
    const leftover = lockstepDirs().filter(
      (name) => !existing.has(name) && existsSync(join(tmpdir(), name, BARRIER_DATABASE_FILE)),
    );
    assert.deepEqual(leftover, []);
  });
});

describe('lockstep barrier: argument parsing', () => {
  it('accepts the documented options with their defaults', () => {
    assert.deepEqual(parseBarrierArgs(['--workers', '3', '--mode', 'deferred']), {
      workers: 3,
      mode: 'deferred',
      journal: 'delete',
      runs: 5,
      busyTimeoutMs: 5000,
      holdAfterRead: true,
      json: false,
    });
    assert.deepEqual(
      parseBarrierArgs([
        '--workers=8',
        '--mode=immediate',
        '--journal=wal',
        '--runs=1000',
        '--busy-timeout=0',
        '--no-hold',
        '--json',
      ]),
      { workers: 8, mode: 'immediate', journal: 'wal', runs: 1000, busyTimeoutMs: 0, holdAfterRead: false, json: true },
    );
  });

  const bad: ReadonlyArray<readonly [string, readonly string[], RegExp]> = [
    ['missing --workers', ['--mode', 'deferred'], /--workers is required/],
    ['missing --mode', ['--workers', '3'], /--mode is required/],
    ['workers 0', ['--workers', '0', '--mode', 'deferred'], /--workers must be an integer from 1 to 8, got '0'/],
    ['workers 9', ['--workers', '9', '--mode', 'deferred'], /--workers must be an integer from 1 to 8/],
    ['workers 2.5', ['--workers', '2.5', '--mode', 'deferred'], /--workers must be an integer/],
    ['bad mode', ['--workers', '3', '--mode', 'exclusive'], /--mode must be deferred or immediate, got 'exclusive'/],
    ['bad journal', ['--workers', '3', '--mode', 'deferred', '--journal', 'truncate'], /--journal must be delete or wal/],
    ['runs 100001', ['--workers', '3', '--mode', 'deferred', '--runs', '100001'], /--runs must be an integer from 1 to 100000, got '100001'/],
    ['busy timeout -1', ['--workers', '3', '--mode', 'deferred', '--busy-timeout=-1'], /--busy-timeout must be an integer from 0 to 3600000, got '-1'/],
    ['unknown option', ['--workers', '3', '--mode', 'deferred', '--threads', '2'], /--threads.*accepted: --workers/],
    ['positional', ['3', '--mode', 'deferred'], /barrier takes no arguments, got '3'/],
    ['missing value', ['--mode', 'deferred', '--workers'], /option --workers needs a value \(N: an integer from 1 to 8\)/],
    ['value for a flag', ['--workers', '3', '--mode', 'deferred', '--json=yes'], /option --json takes no value, got 'yes'/],
  ];
  for (const [what, argv, message] of bad) {
    it(`rejects ${what} with a one-line UsageError`, () => {
      assert.throws(
        () => parseBarrierArgs(argv),
        (error: unknown) => {
          assert.ok(error instanceof UsageError);
          assert.match(error.message, message);
          assert.ok(!error.message.includes('\n'));
          return true;
        },
      );
    });
  }
});
