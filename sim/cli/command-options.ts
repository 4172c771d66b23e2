/**
 * Strict option parsing for subcommands: every option is declared, anything else is a {@link UsageError}
 * naming what was wrong and what is accepted. `--name value` and `--name=value` both work; `-` alone is a
 * positional (stdin); `--` ends the options.
 */
import { UsageError } from './usage-error.js';

export interface OptionSpec {
  /** Options without a value, e.g. `--json`. */
  readonly flags: readonly string[];
  /** Options with a value, mapped to a description of the value for messages, e.g. `{ '--seed': 'an integer' }`. */
  readonly values: Readonly<Record<string, string>>;
}

export interface ParsedOptions {
  readonly positionals: readonly string[];
  readonly flags: ReadonlySet<string>;
  readonly values: ReadonlyMap<string, string>;
}

export function parseOptions(argv: readonly string[], spec: OptionSpec): ParsedOptions {
  const positionals: string[] = [];
  const flags = new Set<string>();
  const values = new Map<string, string>();
  const accepted = [...spec.flags, ...Object.keys(spec.values)].join(', ');
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '-' || !arg.startsWith('-')) {
      positionals.push(arg);
      continue;
    }
    const equals = arg.indexOf('=');
    const name = equals === -1 ? arg : arg.slice(0, equals);
    const inline = equals === -1 ? undefined : arg.slice(equals + 1);
    if (flags.has(name) || values.has(name)) {
      throw new UsageError(`option ${name} given twice`);
    }
    if (spec.flags.includes(name)) {
      if (inline !== undefined) throw new UsageError(`option ${name} takes no value, got '${inline}'`);
      flags.add(name);
      continue;
    }
    const description = spec.values[name];
    if (description !== undefined) {
      const value = inline ?? argv[i + 1];
      if (value === undefined || (inline === undefined && value.startsWith('--'))) {
        throw new UsageError(`option ${name} needs a value (${description})`);
      }
      if (inline === undefined) i += 1;
      values.set(name, value);
      continue;
    }
    throw new UsageError(`unknown option '${name}' (expected ${accepted.length > 0 ? accepted : 'no options'})`);
  }
  return { positionals, flags, values };
}

/** An integer option value within [min, max], else a UsageError naming the option and the range. */
export function integerOption(name: string, text: string, min: number, max: number): number {
  const value = /^[+-]?\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`option ${name} must be an integer from ${min} to ${max}, got '${text}'`);
  }
  return value;
}

/** A value option restricted to a fixed set of words. */
export function choiceOption<T extends string>(name: string, text: string, accepted: readonly T[]): T {
  if (!(accepted as readonly string[]).includes(text)) {
    throw new UsageError(`option ${name} must be one of ${accepted.join(', ')}, got '${text}'`);
  }
  return text as T;
}

/**
 * A parseArgs value (undefined when the flag was not given) as an integer within [min, max]: the fallback when
 * absent, a UsageError naming `--name` and the range when wrong or when required and absent.
 */
export function integerIn(name: string, raw: string | undefined, min: number, max: number, fallback?: number): number {
  if (raw === undefined) {
    if (fallback === undefined) throw new UsageError(`--${name} is required (an integer from ${min} to ${max})`);
    return fallback;
  }
  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got '${raw}'`);
  }
  return value;
}
