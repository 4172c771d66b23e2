/**
 * One command-line option, declared once: what it means, which values it accepts and its default. Parsing
 * (parse-command-line.ts), the messages of a bad value and the help text (command-help.ts) are all computed
 * from these declarations, so they cannot disagree.
 *
 * The kinds are a discriminated union on `kind`; code that handles options matches them exhaustively.
 */
import { UsageError } from '../usage-error.js';

/** An option without a value, e.g. `--json`. Its parsed value is whether it was given. */
export interface FlagOption {
  readonly kind: 'flag';
  readonly describe: string;
  /** A one-letter alias, e.g. `h` for `-h`. */
  readonly short?: string;
}

/** An integer within [min, max]; `--seed -5` and `--seed=-5` both work for negative ranges. */
export interface IntegerOption {
  readonly kind: 'integer';
  readonly describe: string;
  /** The word shown for the value in help, e.g. `N`, `MS`, `S`. */
  readonly value: string;
  readonly min: number;
  readonly max: number;
  readonly default?: number;
  readonly required?: boolean;
}

/** One word out of a fixed set. */
export interface ChoiceOption<C extends string = string> {
  readonly kind: 'choice';
  readonly describe: string;
  readonly choices: readonly C[];
  readonly default?: C;
  readonly required?: boolean;
  /** The word shown for the value in help when the choices are too many to list there (e.g. `V`). */
  readonly value?: string;
}

/** Free text (a file name, a path), checked by the command that uses it. */
export interface TextOption {
  readonly kind: 'text';
  readonly describe: string;
  readonly value: string;
  /** What is accepted, in words, for help and for the message of a missing value. */
  readonly accepts: string;
  /** A one-letter alias, e.g. `o` for `-o FILE`. */
  readonly short?: string;
  readonly default?: string;
  readonly required?: boolean;
  /** Returns null when the text is acceptable, else what is accepted (the message names the option and the text). */
  readonly check?: (text: string) => string | null;
}

export type Option = FlagOption | IntegerOption | ChoiceOption | TextOption;
export type ValueOption = Exclude<Option, FlagOption>;

/** A command's options by long name (without the dashes), in the order help lists them. */
export type OptionTable = Readonly<Record<string, Option>>;

export function flag(describe: string, short?: string): FlagOption {
  return short === undefined ? { kind: 'flag', describe } : { kind: 'flag', describe, short };
}

// The constructors keep `default` and `required` in the type, so that a command's values are typed as always
// present when the option has a default or is required.

export function integer<const E extends { default?: number; required?: boolean } = {}>(describe: string, value: string, min: number, max: number, extra?: E): IntegerOption & E {
  return { kind: 'integer', describe, value, min, max, ...extra } as IntegerOption & E;
}

export function choice<const C extends string, const E extends { default?: C; required?: boolean; value?: string } = {}>(
  describe: string,
  choices: readonly C[],
  extra?: E,
): ChoiceOption<C> & E {
  return { kind: 'choice', describe, choices, ...extra } as ChoiceOption<C> & E;
}

export function text<const E extends Omit<TextOption, 'kind' | 'describe' | 'value' | 'accepts'> = {}>(describe: string, value: string, accepts: string, extra?: E): TextOption & E {
  return { kind: 'text', describe, value, accepts, ...extra } as TextOption & E;
}

/** The value of an option as the command receives it. */
export type OptionValue<O extends Option> = O extends FlagOption
  ? boolean
  : O extends IntegerOption
    ? O extends { default: number } | { required: true } ? number : number | undefined
    : O extends ChoiceOption<infer C>
      ? O extends { default: string } | { required: true } ? C : C | undefined
      : O extends { default: string } | { required: true } ? string : string | undefined;

export type OptionValues<T extends OptionTable> = { readonly [K in keyof T]: OptionValue<T[K]> };

/** The value word shown in help and messages: `N`, `sim|real|both`, `FILE`. */
export function valueWord(option: ValueOption): string {
  switch (option.kind) {
    case 'integer':
    case 'text':
      return option.value;
    case 'choice':
      return option.value ?? option.choices.join('|');
    default:
      return assertNever(option);
  }
}

/** What an option accepts, in words: `an integer from 1 to 8`, `one of sim, real, both`. */
export function accepted(option: ValueOption): string {
  switch (option.kind) {
    case 'integer':
      return `an integer from ${option.min} to ${option.max}`;
    case 'choice':
      return option.choices.length === 2 ? `${option.choices[0]} or ${option.choices[1]}` : `one of ${option.choices.join(', ')}`;
    case 'text':
      return option.accepts;
    default:
      return assertNever(option);
  }
}

/** The default as help shows it, or null when there is none. */
export function defaultText(option: Option): string | null {
  if (option.kind === 'flag' || option.default === undefined) return null;
  return String(option.default);
}

/**
 * The typed value of `--name TEXT`; a value outside what the option accepts is a UsageError naming the
 * option, what was given and what is accepted.
 */
export function convertValue(name: string, option: ValueOption, raw: string): string | number {
  switch (option.kind) {
    case 'integer': {
      const value = /^[+-]?\d+$/.test(raw) ? Number(raw) : Number.NaN;
      if (!Number.isSafeInteger(value) || value < option.min || value > option.max) throw bad(name, option, raw);
      return value;
    }
    case 'choice':
      if (!(option.choices as readonly string[]).includes(raw)) throw bad(name, option, raw);
      return raw;
    case 'text': {
      const problem = raw === '' ? option.accepts : option.check?.(raw) ?? null;
      if (problem !== null) throw new UsageError(`--${name} must be ${problem}, got '${raw}'`);
      return raw;
    }
    default:
      return assertNever(option);
  }
}

function bad(name: string, option: ValueOption, raw: string): UsageError {
  return new UsageError(`--${name} must be ${accepted(option)}, got '${raw}'`);
}

export function assertNever(value: never): never {
  throw new Error(`unexpected ${JSON.stringify(value)}`);
}
