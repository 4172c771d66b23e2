/**
 * A command of the command line, declared as data: its name, a one-line summary, its positional arguments,
 * its option table, further groups of options (check's scenario parameters) and examples. `defineCommand`
 * turns the declaration into a runnable {@link Command}: it answers `--help` / `-h` from the declaration,
 * parses the arguments against the table (parse-command-line.ts) and hands the typed values to `run`.
 *
 * Adding an option is one entry in the command's table; adding a command is one file with one
 * `defineCommand(...)` plus its line in commands/index.ts.
 */
import { commandHelp } from './command-help.js';
import { flag, type OptionTable, type OptionValues } from './option.js';
import { parseCommandLine } from './parse-command-line.js';

/** The options every command takes, added to every table. */
export const COMMON_OPTIONS = {
  help: flag('print this help and exit 0', 'h'),
  debug: flag('on an internal error (exit 4), print its stack trace too; LOCKSTEP_DEBUG=1 does the same'),
} as const;

export type WithCommon<T extends OptionTable> = T & typeof COMMON_OPTIONS;

export interface PositionalSpec {
  /** The word shown in usage, e.g. `SCRIPT`, `SCENARIO`, `PAGE...`. */
  readonly name: string;
  readonly describe: string;
  readonly min: number;
  /** At most this many; Infinity for any number. */
  readonly max: number;
}

/**
 * Options whose accepted values depend on another argument (check's scenario parameters depend on the
 * scenario). They are parsed as text; the command converts them with the group it picks.
 */
export interface OptionGroup {
  readonly title: string;
  readonly options: OptionTable;
}

export interface ParsedArgs<T extends OptionTable> {
  readonly values: OptionValues<WithCommon<T>>;
  readonly positionals: readonly string[];
  /** The long names the user gave (so a command can tell a default from a given value). */
  readonly given: ReadonlySet<string>;
  /** The options of the groups that were given, by long name, as text. */
  readonly grouped: ReadonlyMap<string, string>;
  /** The arguments as given, for reproduce lines. */
  readonly argv: readonly string[];
}

export interface CommandSpec<T extends OptionTable> {
  readonly name: string;
  readonly summary: string;
  readonly positionals?: PositionalSpec;
  readonly options: T;
  readonly groups?: () => readonly OptionGroup[];
  /** Lines of prose after the options: exit codes, how two forms differ. */
  readonly notes?: readonly string[];
  /** Full command lines, each starting with `lockstep`. */
  readonly examples: readonly string[];
  run(args: ParsedArgs<T>): Promise<number>;
}

/** What help and the tests read of a command, with its types erased. */
export interface CommandDeclaration {
  readonly name: string;
  readonly summary: string;
  readonly positionals?: PositionalSpec;
  readonly options: OptionTable;
  readonly groups: readonly OptionGroup[];
  readonly notes: readonly string[];
  readonly examples: readonly string[];
}

export interface Command {
  readonly name: string;
  readonly summary: string;
  declaration(): CommandDeclaration;
  /** Parses `argv` (the arguments after the command's name) and runs; returns the exit code. */
  run(argv: readonly string[]): Promise<number>;
}

export function defineCommand<T extends OptionTable>(spec: CommandSpec<T>): Command {
  const declaration = (): CommandDeclaration => ({
    name: spec.name,
    summary: spec.summary,
    ...(spec.positionals !== undefined ? { positionals: spec.positionals } : {}),
    options: { ...spec.options, ...COMMON_OPTIONS },
    groups: spec.groups?.() ?? [],
    notes: spec.notes ?? [],
    examples: spec.examples,
  });
  return {
    name: spec.name,
    summary: spec.summary,
    declaration,
    async run(argv) {
      if (asksForHelp(argv)) {
        process.stdout.write(commandHelp(declaration()));
        return 0;
      }
      return spec.run(parseCommandLine(declaration(), argv) as unknown as ParsedArgs<T>);
    },
  };
}

/** `--help` or `-h` anywhere before `--` wins over everything else, even over arguments that are wrong. */
export function asksForHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}
