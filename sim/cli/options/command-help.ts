/**
 * Help text, computed from the command declarations (command.ts) and nothing else: the usage line, one line
 * per option with its value, what it accepts and its default, the groups, notes and examples. The overview
 * (`lockstep help`) lists every command with its summary and the exit codes.
 *
 * The layout of an option line is part of the contract with the test that compares tables and help:
 * one line per option: `  --name VALUE` padded, the description, then `(ACCEPTED; default D)` or `(ACCEPTED; required)`.
 */
import type { CommandDeclaration } from './command.js';
import { accepted, defaultText, valueWord, type Option, type OptionTable } from './option.js';

export const EXIT_CODES: readonly (readonly [string, string])[] = [
  ['0', 'the property holds, every documented run behaved as documented, or no disagreement'],
  ['1', 'a violation or a disagreement was found'],
  ['2', 'bad usage or bad input (one line on stderr naming what was wrong and what is accepted)'],
  ['3', 'inconclusive: a search stopped by a bound or a time limit proved nothing'],
  ['4', 'internal error: not the input\'s fault (a bug, or broken surroundings such as a full disk); one line, the stack with --debug'],
  ['130, 143', 'interrupted by SIGINT or SIGTERM, after removing what the run created'],
  ['141', 'the reader of stdout went away (EPIPE), quietly'],
];

export function commandHelp(declaration: CommandDeclaration): string {
  const lines: string[] = [`lockstep ${declaration.name}: ${declaration.summary}`, '', `usage: ${usageLine(declaration)}`];
  const positional = declaration.positionals;
  if (positional !== undefined) lines.push(`  ${positional.name}: ${positional.describe}`);
  lines.push('', 'options:', ...optionLines(declaration.options));
  for (const group of declaration.groups) lines.push('', `${group.title}:`, ...optionLines(group.options));
  if (declaration.notes.length > 0) lines.push('', ...declaration.notes);
  lines.push('', declaration.examples.length === 1 ? 'example:' : 'examples:', ...declaration.examples.map((example) => `  ${example}`), '');
  return lines.join('\n');
}

/** `lockstep check [SCENARIO] [--variant V] ... [options]`: required options spelled out, the rest summed up. */
export function usageLine(declaration: CommandDeclaration): string {
  const parts = [`lockstep ${declaration.name}`];
  const positional = declaration.positionals;
  if (positional !== undefined) parts.push(positional.min > 0 ? positional.name : `[${positional.name}]`);
  for (const [name, option] of Object.entries(declaration.options)) {
    if (option.kind !== 'flag' && option.required === true) parts.push(`--${name} ${valueWord(option)}`);
  }
  parts.push('[options]');
  return parts.join(' ');
}

export function overviewHelp(commands: readonly CommandDeclaration[], version: string): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    `lockstep ${version}: concurrency bugs in SQLite-backed code, visible, reproducible and provably fixed`,
    '',
    'usage: lockstep COMMAND [options]     lockstep COMMAND --help     lockstep --version',
    '',
    'commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'exit codes:',
    ...EXIT_CODES.map(([code, meaning]) => `  ${code.padEnd(8)}  ${meaning}`),
    '',
  ].join('\n');
}

/** The left column of an option line: `--engine sim|real|both`, `--json`, `-h, --help`. */
export function optionLabel(name: string, option: Option): string {
  const long = option.kind === 'flag' ? `--${name}` : `--${name} ${valueWord(option)}`;
  return (option.kind === 'flag' || option.kind === 'text') && option.short !== undefined ? `-${option.short}, ${long}` : long;
}

/** The part in brackets: what the option accepts and its default, or that it is required. */
export function optionTerms(option: Option): string | null {
  if (option.kind === 'flag') return null;
  const fallback = defaultText(option);
  const tail = option.required === true ? 'required' : fallback === null ? null : `default ${fallback}`;
  return tail === null ? accepted(option) : `${accepted(option)}; ${tail}`;
}

function optionLines(options: OptionTable): string[] {
  const entries = Object.entries(options);
  const width = Math.max(...entries.map(([name, option]) => optionLabel(name, option).length));
  return entries.map(([name, option]) => {
    const terms = optionTerms(option);
    return `  ${optionLabel(name, option).padEnd(width)}  ${option.describe}${terms === null ? '' : ` (${terms})`}`;
  });
}
