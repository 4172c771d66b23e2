/**
 * The arguments of one command, read against its declaration with node:util parseArgs, strictly: every
 * problem is a one-line {@link UsageError} naming what was wrong and what is accepted.
 *
 * parseArgs runs in its lenient mode and returns tokens; the strict checks are made here from the tokens,
 * so that the messages are ours and so that `--seed -5` (a negative number after an option that takes a
 * value) is read as the value, which parseArgs's strict mode refuses as ambiguous. `--name value` and
 * `--name=value` both work; `-` alone is a positional (stdin); `--` ends the options.
 */
import { parseArgs } from 'node:util';
import { UsageError } from '../usage-error.js';
import type { CommandDeclaration, ParsedArgs } from './command.js';
import { accepted, convertValue, valueWord, type Option, type OptionTable, type ValueOption } from './option.js';

type Token = NonNullable<ReturnType<typeof parseArgs>['tokens']>[number];

export function parseCommandLine(declaration: CommandDeclaration, argv: readonly string[]): ParsedArgs<OptionTable> {
  const table = declaration.options;
  const grouped: Record<string, ValueOption> = {};
  for (const group of declaration.groups) {
    for (const [name, option] of Object.entries(group.options)) if (option.kind !== 'flag') grouped[name] ??= option;
  }
  const known = (name: string): Option | undefined => (Object.hasOwn(table, name) ? table[name] : Object.hasOwn(grouped, name) ? grouped[name] : undefined);
  const parseArgsOptions: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const [name, option] of [...Object.entries(table), ...Object.entries(grouped)]) {
    parseArgsOptions[name] = option.kind === 'flag' ? { type: 'boolean', ...(option.short !== undefined ? { short: option.short } : {}) } : { type: 'string', ...(option.kind === 'text' && option.short !== undefined ? { short: option.short } : {}) };
  }
  const { tokens } = parseArgs({ args: [...argv], options: parseArgsOptions, strict: false, allowPositionals: true, tokens: true });

  const positionals: string[] = [];
  const texts = new Map<string, string>();
  const flags = new Set<string>();
  const seen = new Set<string>();
  for (const token of tokens as Token[]) {
    if (token.kind === 'positional') {
      positionals.push(token.value);
      continue;
    }
    if (token.kind === 'option-terminator') continue;
    const option = known(token.name);
    if (option === undefined) throw new UsageError(`unknown option '${token.rawName}'; accepted: ${acceptedList(declaration)}`);
    if (seen.has(token.name)) throw new UsageError(`option --${token.name} given twice`);
    seen.add(token.name);
    if (option.kind === 'flag') {
      if (token.value !== undefined) throw new UsageError(`option --${token.name} takes no value, got '${token.value}'`);
      flags.add(token.name);
      continue;
    }
    // A value that is another option (`--seed --json`) means the value was forgotten; a negative number is a value.
    if (token.value === undefined || (!token.inlineValue && token.value.startsWith('-') && token.value !== '-' && !/^-\d+$/.test(token.value))) {
      throw new UsageError(`option --${token.name} needs a value (${valueWord(option)}: ${accepted(option)})`);
    }
    texts.set(token.name, token.value);
  }

  const { positionals: spec } = declaration;
  const max = spec?.max ?? 0;
  if (positionals.length > max) {
    const what = max === 0 ? `takes no arguments` : `takes at most ${max} ${spec?.name}`;
    throw new UsageError(`${declaration.name} ${what}, got ${positionals.map((p) => `'${p}'`).join(' ')}`);
  }
  if (spec !== undefined && positionals.length < spec.min) throw new UsageError(`missing ${spec.name} (${spec.describe})`);

  const values: Record<string, string | number | boolean | undefined> = {};
  const groupedTexts = new Map<string, string>();
  for (const [name, option] of Object.entries(table)) {
    if (option.kind === 'flag') {
      values[name] = flags.has(name);
      continue;
    }
    const raw = texts.get(name);
    if (raw === undefined) {
      if (option.required === true) throw new UsageError(`--${name} is required (${valueWord(option)}: ${accepted(option)})`);
      values[name] = option.default;
      continue;
    }
    values[name] = convertValue(name, option, raw);
  }
  for (const [name, raw] of texts) if (!Object.hasOwn(table, name)) groupedTexts.set(name, raw);
  return { values: values as ParsedArgs<OptionTable>['values'], positionals, given: seen, grouped: groupedTexts, argv };
}

/** `--json, --seed S, --engine sim|real|both, ...`: every option a command accepts, for the unknown-option message. */
function acceptedList(declaration: CommandDeclaration): string {
  const words = Object.entries(declaration.options).map(([name, option]) => (option.kind === 'flag' ? `--${name}` : `--${name} ${valueWord(option)}`));
  const groupNames = new Set(declaration.groups.flatMap((group) => Object.keys(group.options)));
  if (groupNames.size > 0) words.push(`the scenario's parameters (${[...groupNames].map((name) => `--${name}`).join(', ')})`);
  return `${words.join(', ')} (lockstep ${declaration.name} --help)`;
}
