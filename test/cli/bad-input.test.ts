/**
 * Bad input, across every command, on the real binary: each case must exit 2 with exactly one line on stderr
 * that names the problem and what is accepted, print nothing on stdout, show no stack trace, and leave nothing
 * in its temporary folder (each run gets a TMPDIR of its own, checked empty afterwards). Options that mean the
 * same thing in two commands must be refused with the same words in both.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { lockstep, type Ran } from './run-lockstep.js';

/** A file a case reads: its name in the case's folder, and its content. */
type Files = Readonly<Record<string, string>>;

interface Case {
  readonly what: string;
  /** `{dir}` in an argument is replaced by the case's folder. */
  readonly args: readonly string[];
  readonly message: RegExp;
  readonly files?: Files;
  readonly stdin?: string;
}

const SCRIPT = JSON.stringify({ journal: 'delete', connections: 2, steps: [{ conn: 0, op: 'begin', mode: 'deferred' }, { conn: 1, op: 'write', key: 'a' }] });
const TRACE = JSON.stringify({
  lockstep: 1,
  scenario: 'singleton',
  variant: 'unguarded',
  engine: 'sim',
  params: { tasks: 3 },
  schedule: [0, 0, 1, 1],
  steps: [
    { actor: 'task-0', action: 'read client', outcome: 'none' },
    { actor: 'task-0', action: 'await createClient()', outcome: 'client-1' },
    { actor: 'task-1', action: 'read client', outcome: 'none' },
    { actor: 'task-1', action: 'await createClient()', outcome: 'client-2' },
  ],
  verdict: 'violation',
  property: 'one-client-created',
  message: 'two clients',
});
const trace = (edit: Record<string, unknown>): string => JSON.stringify({ ...(JSON.parse(TRACE) as object), ...edit });

const CASES: readonly Case[] = [
  // the command itself
  { what: 'an unknown command', args: ['frobnicate'], message: /^lockstep frobnicate: unknown command 'frobnicate'; expected one of: list, check, .* \(lockstep help\)$/ },
  { what: 'an unknown command asked for help', args: ['help', 'frobnicate'], message: /unknown command 'frobnicate'/ },
  { what: '--version with an argument', args: ['--version', 'now'], message: /--version takes nothing after it, got 'now'$/ },
  // options, in every command
  { what: 'list: an unknown option', args: ['list', '--verbose'], message: /^lockstep list: unknown option '--verbose'; accepted: --json, --help, --debug \(lockstep list --help\)$/ },
  { what: 'list: an argument', args: ['list', 'tickets'], message: /^lockstep list: list takes no arguments, got 'tickets'$/ },
  { what: 'list: a value given to a flag', args: ['list', '--json=yes'], message: /option --json takes no value, got 'yes'$/ },
  { what: 'list: an unknown short option', args: ['list', '-x'], message: /unknown option '-x'; accepted: --json/ },
  { what: 'check: a number out of range', args: ['check', 'tickets', '--workers', '9'], message: /^lockstep check: --workers must be an integer from 1 to 8, got '9'$/ },
  { what: 'check: not a number', args: ['check', 'tickets', '--strategy', 'random', '--runs', 'many'], message: /--runs must be an integer from 1 to 1000000, got 'many'$/ },
  { what: 'check: a fraction', args: ['check', 'tickets', '--strategy', 'pct', '--seed', '1.5'], message: /--seed must be an integer from -2147483648 to 2147483647, got '1.5'$/ },
  { what: 'check: an unknown engine', args: ['check', 'tickets', '--engine', 'both2'], message: /--engine must be one of sim, real, both, got 'both2'$/ },
  { what: 'check: an unknown strategy', args: ['check', 'tickets', '--strategy', 'dfs'], message: /--strategy must be one of exhaustive, random, pct, got 'dfs'$/ },
  { what: 'check: an unknown variant', args: ['check', 'tickets', '--variant', 'exclusive'], message: /--variant must be one of deferred, immediate for tickets, got 'exclusive'$/ },
  { what: 'check: an unknown scenario', args: ['check', 'tickets2'], message: /unknown scenario 'tickets2' \(expected tickets, lifecycle, .*\)$/ },
  { what: 'check: two scenarios', args: ['check', 'tickets', 'pool'], message: /check takes at most 1 SCENARIO, got 'tickets' 'pool'$/ },
  { what: "check: another scenario's parameter", args: ['check', 'tickets', '--contenders', '2'], message: /option --contenders does not apply to scenario tickets \(its parameters: --workers, --journal, --workload, --busy-timeout\)$/ },
  { what: 'check: an option given twice', args: ['check', 'tickets', '--engine', 'sim', '--engine', 'real'], message: /option --engine given twice$/ },
  { what: 'check: a value forgotten', args: ['check', 'tickets', '--variant', '--json'], message: /option --variant needs a value \(V: a variant of the scenario, as lockstep list names them\)$/ },
  { what: 'check: --max-worlds 0', args: ['check', 'tickets', '--max-worlds', '0'], message: /--max-worlds must be an integer from 1 to 50000000, got '0'$/ },
  { what: 'check: --all with an option', args: ['check', '--all', '--engine', 'real'], message: /--all takes no scenario and no other option but --json, got --engine$/ },
  { what: 'check: an empty --trace-out', args: ['check', 'tickets', '--trace-out='], message: /--trace-out must be a file name in a writable folder, got ''$/ },
  { what: 'check: --trace-out under a file', args: ['check', 'tickets', '--variant', 'deferred', '--trace-out', '{dir}/script.json/t.json'], files: { 'script.json': SCRIPT }, message: /--trace-out .*script\.json\/t\.json: .*script\.json is not a folder$/ },
  { what: 'check: --trace-out on a full device', args: ['check', 'singleton', '--variant', 'unguarded', '--trace-out', '/dev/full'], message: /cannot write the trace to \/dev\/full: ENOSPC$/ },
  // files: lock scripts
  { what: 'predict: no SCRIPT', args: ['predict'], message: /^lockstep predict: missing SCRIPT \(a lock script JSON file \(one script or an array of them\), or - for stdin\)$/ },
  { what: 'predict: a missing file', args: ['predict', '{dir}/none.json'], message: /cannot read SCRIPT '.*none\.json': no such file \(expected a lock script JSON file, or - for stdin\)$/ },
  { what: 'run: a folder', args: ['run', '{dir}'], message: /cannot read SCRIPT '.*': it is a directory \(expected a lock script JSON file, or - for stdin\)$/ },
  { what: 'run: not JSON', args: ['run', '{dir}/bad.json'], files: { 'bad.json': '{ "journal": ' }, message: /bad\.json: not JSON: / },
  { what: 'predict: an empty array of scripts', args: ['predict', '-'], stdin: '[]', message: /^lockstep predict: stdin: expected a lock script \(a JSON object\) or a non-empty array of them, got an empty array$/ },
  { what: 'run: a trace instead of a script', args: ['run', '{dir}/trace.json'], files: { 'trace.json': TRACE }, message: /trace\.json: script 1: unknown field 'lockstep' \(expected journal, connections, keys, steps\)$/ },
  { what: 'conform: a binary file', args: ['conform', '{dir}/x.bin'], files: { 'x.bin': 'ab\u0000cd' }, message: /SCRIPT '.*x\.bin' is a binary file \(expected a lock script JSON file\)$/ },
  { what: 'conform: --random and a SCRIPT', args: ['conform', '{dir}/s.json', '--random', '5'], files: { 's.json': SCRIPT }, message: /give either SCRIPT or --random N, not both/ },
  { what: 'conform: --random 0', args: ['conform', '--random', '0'], message: /--random must be an integer from 1 to 10000000, got '0'$/ },
  { what: 'conform: a bad --path', args: ['conform', '--random', '5', '--path', '3:x'], message: /--path must be a fast-check path like 3:0:1, got '3:x'$/ },
  // files: traces
  { what: 'replay: no TRACE', args: ['replay'], message: /missing TRACE \(a trace JSON file written by check --trace-out, or - for stdin\)$/ },
  { what: 'replay: a lock script instead of a trace', args: ['replay', '{dir}/s.json'], files: { 's.json': SCRIPT }, message: /s\.json: not a lockstep trace: the "lockstep" format number is missing$/ },
  { what: 'replay: a trace of a future format', args: ['replay', '-'], stdin: trace({ lockstep: 3 }), message: /stdin: trace format 3 is not one this lockstep reads \(it reads 1 and 2\)$/ },
  { what: 'replay: a trace of an unknown scenario', args: ['replay', '{dir}/t.json'], files: { 't.json': trace({ scenario: 'bank' }) }, message: /t\.json: unknown scenario 'bank'$/ },
  { what: "replay: a trace naming another scenario's variant", args: ['replay', '{dir}/t.json'], files: { 't.json': trace({ variant: 'deferred' }) }, message: /t\.json: unknown variant 'deferred' of singleton$/ },
  { what: "replay: a trace with another scenario's parameters", args: ['replay', '{dir}/t.json'], files: { 't.json': trace({ params: { workers: 3 } }) }, message: /t\.json: unknown parameter 'workers' of singleton \(expected tasks, runtime\)$/ },
  { what: 'replay: an engine it does not have', args: ['replay', '{dir}/t.json', '--engine', 'both'], files: { 't.json': TRACE }, message: /--engine must be sim or real, got 'both'$/ },
  // free races and the rest
  { what: 'barrier: no --workers', args: ['barrier', '--mode', 'deferred'], message: /^lockstep barrier: --workers is required \(N: an integer from 1 to 8\)$/ },
  { what: 'barrier: an unknown mode', args: ['barrier', '--workers', '2', '--mode', 'exclusive'], message: /--mode must be deferred or immediate, got 'exclusive'$/ },
  { what: 'stale-race: --runs 0', args: ['stale-race', '--variant', 'tombstone', '--runs', '0'], message: /--runs must be an integer from 1 to 100000, got '0'$/ },
  { what: 'stale-race: no --variant', args: ['stale-race'], message: /--variant is required \(check-then-remove\|tombstone: check-then-remove or tombstone\)$/ },
  { what: 'bench: an argument', args: ['bench', 'fast'], message: /bench takes no arguments, got 'fast'$/ },
  { what: 'docs: a missing page', args: ['docs', '--check', '{dir}/none.md'], message: /cannot read PAGE '.*none\.md': no such file \(expected a Markdown page of docs\/\)$/ },
];

/** Options that mean the same thing in two places: [option value, where, where]. Each must be refused alike. */
const SAME_MEANING: readonly (readonly [string, readonly string[], readonly string[]])[] = [
  [ '--contenders 5', ['check', 'stale-lock', '--contenders', '5'], ['stale-race', '--variant', 'tombstone', '--contenders', '5']],
  [ '--tries 0', ['check', 'stale-lock', '--tries', '0'], ['stale-race', '--variant', 'tombstone', '--tries', '0']],
  [ '--workers 9', ['check', 'tickets', '--workers', '9'], ['barrier', '--mode', 'deferred', '--workers', '9']],
  [ '--busy-timeout -1', ['check', 'tickets', '--busy-timeout', '-1'], ['barrier', '--workers', '2', '--mode', 'deferred', '--busy-timeout', '-1']],
  [ '--journal truncate', ['check', 'tickets', '--journal', 'truncate'], ['conform', '--random', '1', '--journal', 'truncate']],
  [ '--journal memory', ['barrier', '--workers', '2', '--mode', 'deferred', '--journal', 'memory'], ['check', 'retry', '--journal', 'memory']],
  [ '--seed x', ['check', 'tickets', '--strategy', 'random', '--seed', 'x'], ['conform', '--random', '1', '--seed', 'x']],
  [ '--runs 100001', ['barrier', '--workers', '2', '--mode', 'deferred', '--runs', '100001'], ['stale-race', '--variant', 'tombstone', '--runs', '100001']],
];

function runIn(dir: string, args: readonly string[], stdin?: string): Ran {
  return lockstep(
    args.map((a) => a.replaceAll('{dir}', dir)),
    { env: { ...process.env, TMPDIR: dir }, ...(stdin !== undefined ? { input: stdin } : {}) },
  );
}

function assertOneLineUsageError(ran: Ran, message: RegExp): string {
  assert.equal(ran.status, 2, `exit 2, got ${ran.status}; stderr: ${ran.stderr}`);
  assert.equal(ran.stdout, '', 'nothing on stdout');
  assert.ok(ran.stderr.endsWith('\n') && ran.stderr.indexOf('\n') === ran.stderr.length - 1, `exactly one line on stderr, got ${JSON.stringify(ran.stderr)}`);
  assert.doesNotMatch(ran.stderr, /\n\s+at /);
  assert.match(ran.stderr.trimEnd(), message);
  return ran.stderr.trimEnd();
}

describe('bad input everywhere: exit 2, one line naming the problem and what is accepted, nothing left behind', () => {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'lockstep-bad-input-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it(`the table has at least 30 inputs over every command`, () => {
    assert.ok(CASES.length + SAME_MEANING.length * 2 >= 30);
    const commands = new Set(CASES.map((c) => c.args[0]));
    for (const name of ['list', 'check', 'replay', 'predict', 'run', 'conform', 'barrier', 'stale-race', 'bench', 'docs']) assert.ok(commands.has(name), name);
  });

  for (const c of CASES) {
    it(c.what, () => {
      for (const [name, content] of Object.entries(c.files ?? {})) writeFileSync(path.join(dir, name), content);
      assertOneLineUsageError(runIn(dir, c.args, c.stdin), c.message);
      // The run's TMPDIR is this folder: its scratch folder (and anything in it) must be gone.
      assert.deepEqual(readdirSync(dir).filter((name) => name.startsWith('lockstep-')), [], 'no scratch folder left behind');
    });
  }

  for (const [label, first, second] of SAME_MEANING) {
    it(`${label} is refused with the same words by ${first[0]} and ${second[0]}`, () => {
      const a = assertOneLineUsageError(runIn(dir, first), /must be/);
      const b = assertOneLineUsageError(runIn(dir, second), /must be/);
      const words = (line: string): string => line.replace(/^lockstep [\w-]+: /, '');
      assert.equal(words(a), words(b));
    });
  }
});
