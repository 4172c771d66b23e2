/**
 * Help comes from the option tables: for every command, `lockstep COMMAND --help` (run on the real binary)
 * shows one line per option of its table and of its groups, each with its value word, its description, what
 * it accepts and its default (or that it is required), and nothing the table does not hold. `lockstep help`
 * lists every command; `--version` prints package.json's version; no arguments is the overview on stderr, exit 2.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { COMMANDS } from '../../sim/cli/commands/index.js';
import type { Option } from '../../sim/cli/options/option.js';

import { lockstep } from './run-lockstep.js';

const PACKAGE = fileURLToPath(new URL('../../../package.json', import.meta.url));

/** The option lines of one section of a help text (`options:` or a group's title), by long name. */
function sectionLines(help: string, title: string): Map<string, string> {
  const lines = help.split('\n');
  const start = lines.indexOf(`${title}:`);
  assert.notEqual(start, -1, `help has a section '${title}:'`);
  const found = new Map<string, string>();
  for (const line of lines.slice(start + 1)) {
    if (line === '') break;
    const match = /^ {2}(?:-\w, )?--([\w-]+)/.exec(line);
    assert.ok(match !== null, `an option line in '${title}': ${line}`);
    found.set(match[1]!, line);
  }
  return found;
}

/** What the table says about one option, checked in its help line (computed here, not by the help code). */
function assertDescribes(line: string, name: string, option: Option): void {
  assert.ok(line.includes(option.describe), `--${name}: the description '${option.describe}' in: ${line}`);
  switch (option.kind) {
    case 'flag':
      assert.match(line, new RegExp(`--${name}\\s{2,}`), `--${name} shows no value`);
      if (option.short !== undefined) assert.ok(line.startsWith(`  -${option.short}, --${name}`), `-${option.short} shown`);
      return;
    case 'integer':
      assert.ok(line.includes(`--${name} ${option.value} `), `--${name} ${option.value}`);
      assert.ok(line.includes(`an integer from ${option.min} to ${option.max}`), `--${name}: range ${option.min}..${option.max} in: ${line}`);
      break;
    case 'choice':
      assert.ok(line.includes(`--${name} ${option.value ?? option.choices.join('|')} `), `--${name} value word in: ${line}`);
      for (const word of option.choices) assert.ok(line.includes(word), `--${name}: choice ${word}`);
      break;
    case 'text':
      assert.ok(line.includes(`--${name} ${option.value} `), `--${name} ${option.value}`);
      assert.ok(line.includes(option.accepts), `--${name}: accepts '${option.accepts}'`);
      break;
  }
  if (option.required === true) assert.ok(line.endsWith('; required)'), `--${name} is required: ${line}`);
  else if (option.default !== undefined) assert.ok(line.endsWith(`; default ${String(option.default)})`), `--${name} default ${String(option.default)}: ${line}`);
  else assert.doesNotMatch(line, /; (default [^ ;]+|required)\)$/, `--${name} has no default`);
}

describe('lockstep help: generated from the option tables', () => {
  for (const command of COMMANDS) {
    it(`${command.name} --help shows every option of its table, and only those, exit 0`, () => {
      const ran = lockstep([command.name, '--help']);
      assert.equal(ran.status, 0);
      assert.equal(ran.stderr, '');
      const declaration = command.declaration();
      assert.ok(ran.stdout.startsWith(`lockstep ${command.name}: ${declaration.summary}\n`));
      assert.match(ran.stdout, new RegExp(`^usage: lockstep ${command.name}\\b.*\\[options\\]$`, 'm'));
      for (const [name, option] of Object.entries(declaration.options)) {
        if (option.kind !== 'flag' && option.required === true) assert.match(ran.stdout, new RegExp(`^usage: .* --${name} `, 'm'), `required --${name} in the usage line`);
      }
      const sections: [string, Record<string, Option>][] = [['options', declaration.options], ...declaration.groups.map((g): [string, Record<string, Option>] => [g.title, g.options])];
      for (const [title, table] of sections) {
        const lines = sectionLines(ran.stdout, title);
        assert.deepEqual([...lines.keys()], Object.keys(table), `the options of '${title}', in table order`);
        for (const [name, option] of Object.entries(table)) assertDescribes(lines.get(name)!, name, option);
      }
      assert.ok(declaration.examples.length > 0, 'at least one example');
      for (const example of declaration.examples) assert.ok(ran.stdout.includes(`\n  ${example}\n`), `example: ${example}`);
      // `lockstep help COMMAND` and `-h` say the same.
      assert.equal(lockstep(['help', command.name]).stdout, ran.stdout);
      assert.equal(lockstep([command.name, '-h']).stdout, ran.stdout);
    });
  }

  it('--help wins over arguments that are wrong', () => {
    const ran = lockstep(['check', 'no-such-scenario', '--frobnicate', '--help']);
    assert.equal(ran.status, 0);
    assert.match(ran.stdout, /^usage: lockstep check/m);
  });

  it('lockstep help and lockstep --help list every command and every exit code, on stdout, exit 0', () => {
    for (const args of [['help'], ['--help'], ['-h']]) {
      const ran = lockstep(args);
      assert.equal(ran.status, 0);
      assert.equal(ran.stderr, '');
      for (const command of COMMANDS) assert.match(ran.stdout, new RegExp(`^ {2}${command.name} +${command.summary.replace(/[()|.*+?[\]\\]/g, '\\$&')}$`, 'm'));
      for (const code of ['0', '1', '2', '3', '4', '130, 143']) assert.match(ran.stdout, new RegExp(`^ {2}${code} +\\S`, 'm'), `exit code ${code}`);
    }
  });

  it('no arguments: the overview on stderr, nothing on stdout, exit 2', () => {
    const ran = lockstep([]);
    assert.equal(ran.status, 2);
    assert.equal(ran.stdout, '');
    assert.match(ran.stderr, /^usage: lockstep COMMAND/m);
  });

  it('--version prints the version of package.json', () => {
    const { version } = JSON.parse(readFileSync(PACKAGE, 'utf8')) as { version: string };
    const ran = lockstep(['--version']);
    assert.equal(ran.status, 0);
    assert.equal(ran.stdout, `${version}\n`);
    assert.equal(ran.stderr, '');
  });

  it('help of an unknown command is bad usage', () => {
    const ran = lockstep(['help', 'frobnicate']);
    assert.equal(ran.status, 2);
    assert.match(ran.stderr, /^lockstep help: unknown command 'frobnicate'; expected one of: list, check/);
  });
});
