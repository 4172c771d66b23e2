/**
 * Errors that are not the user's, provoked for real on the binary: a scratch folder removed in the middle of
 * a real check (internal error: exit 4, one line, the stack only with --debug or LOCKSTEP_DEBUG=1), a reader of
 * stdout that went away (EPIPE: quiet, exit 141), a full device as stdout (ENOSPC: one line, exit 4), and the
 * scratch folders of earlier runs whose process is gone (removed by the next run).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BIN } from './run-lockstep.js';

interface Ended {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The lines of stderr that are not progress reports of a long check (`real: 50/785 schedules replayed`). */
function errorLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => line !== '' && !/^real: \d+\/\d+ schedules replayed$/.test(line));
}

describe('broken surroundings and internal errors', function () {
  this.timeout(120_000);
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'lockstep-surroundings-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a scratch folder removed during a real check: exit 4, one line, no stack, nothing left behind', async () => {
    // A long real check (lifecycle/fixed replays 785 schedules, seconds of work), in a TMPDIR of our
    // own; as soon as its scratch folder holds a run's files, the folder is removed under its feet.
    const child = spawn(process.execPath, [BIN, 'check', 'lifecycle', '--variant', 'fixed', '--engine', 'real'], {
      env: { ...process.env, TMPDIR: dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const ended = new Promise<Ended>((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr })));
    let removed = false;
    const started = Date.now();
    while (!removed && child.exitCode === null && Date.now() - started < 60_000) {
      const scratch = readdirSync(dir).find((name) => name.startsWith('lockstep-cli-'));
      if (scratch !== undefined && readdirSync(path.join(dir, scratch)).length > 0) {
        rmSync(path.join(dir, scratch), { recursive: true, force: true });
        removed = true;
      } else await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const run = await ended;
    assert.ok(removed, `the scratch folder was removed during the run (exit ${run.status}, stderr ${run.stderr})`);
    assert.equal(run.status, 4, `exit 4 for an internal error, got ${run.status}: ${run.stderr}`);
    const lines = errorLines(run.stderr);
    assert.equal(lines.length, 1, `one line: ${JSON.stringify(run.stderr)}`);
    // What broke depends on the moment (a folder gone, a database that cannot open): it is named, in one line.
    assert.match(lines[0]!, /^lockstep check: internal error \(not a problem with the input\): .+ \(rerun with --debug or LOCKSTEP_DEBUG=1 for the stack\)$/);
    assert.doesNotMatch(run.stderr, /\n\s+at /);
    assert.deepEqual(readdirSync(dir), [], 'nothing left behind');
  });

  it('an unusable temporary folder is an internal error too; --debug and LOCKSTEP_DEBUG=1 add the stack', () => {
    const missing = path.join(dir, 'no-such-folder');
    const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
      spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, TMPDIR: missing, ...env } });
    const plain = run(['list']);
    assert.equal(plain.status, 4);
    assert.equal(plain.stdout, '');
    assert.match(plain.stderr, /^lockstep list: internal error \(not a problem with the input\): ENOENT: no such file or directory, mkdtemp '.*no-such-folder\/lockstep-cli-\d+-XXXXXX' \(rerun with --debug or LOCKSTEP_DEBUG=1 for the stack\)\n$/);
    for (const debug of [run(['list', '--debug']), run(['list'], { LOCKSTEP_DEBUG: '1' })]) {
      assert.equal(debug.status, 4);
      assert.match(debug.stderr, /^lockstep list: internal error .*\(the stack follows\)\n/);
      assert.match(debug.stderr, /\n\s+at .*scratch-root/, 'the stack, down to where it failed');
    }
  });

  it('a reader of stdout that went away (EPIPE): quiet, exit 141, nothing left behind', async () => {
    const child = spawn(process.execPath, [BIN, 'list'], { env: { ...process.env, TMPDIR: dir }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy(); // the reader is gone before the first write, as `lockstep list | head -c 0` would be
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(status, 141);
    assert.equal(stderr, '', 'quiet');
    assert.deepEqual(readdirSync(dir), []);
  });

  it('a full device as stdout (ENOSPC): one line, exit 4', () => {
    assert.ok(existsSync('/dev/full'), 'this test needs /dev/full (Linux)');
    const full = openSync('/dev/full', 'w');
    try {
      const ran = spawnSync(process.execPath, [BIN, 'list', '--json'], { env: { ...process.env, TMPDIR: dir }, stdio: ['ignore', full, 'pipe'], encoding: 'utf8' });
      assert.equal(ran.status, 4);
      assert.equal(ran.stderr, 'lockstep list: cannot write the output to stdout: ENOSPC (no space left on the device)\n');
    } finally {
      closeSync(full);
    }
    assert.deepEqual(readdirSync(dir), []);
  });

  it('the next run removes the scratch folders of runs whose process is gone, and only those', () => {
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadPid = Number(gone.stdout);
    const abandoned = path.join(dir, `lockstep-cli-${deadPid}-AbC123`);
    mkdirSync(path.join(abandoned, 'lockstep-xyz'), { recursive: true });
    writeFileSync(path.join(abandoned, 'lockstep-xyz', 'db.sqlite'), 'left by a killed run');
    const alive = path.join(dir, `lockstep-cli-${process.pid}-DeF456`); // this test's own process: alive
    mkdirSync(alive);
    const other = path.join(dir, 'lockstep-cli-notapid');
    mkdirSync(other);
    const ran = spawnSync(process.execPath, [BIN, 'list'], { env: { ...process.env, TMPDIR: dir }, encoding: 'utf8' });
    assert.equal(ran.status, 0, ran.stderr);
    assert.equal(existsSync(abandoned), false, 'the dead run\'s folder is removed');
    assert.deepEqual(readdirSync(dir).sort(), [path.basename(alive), path.basename(other)].sort(), 'a live run\'s folder and a folder of another name are left alone');
  });
});
