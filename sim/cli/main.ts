/**
 * `lockstep` command dispatch. Contract (DESIGN.md, "Command line"): exit 0 when the property holds (or no
 * disagreement), 1 on a violation or disagreement, 2 on bad usage or input with one line on stderr, 4 on an
 * internal error.
 * `--json` prints one JSON document on stdout and nothing else there.
 *
 * `lockstep`, alone: the overview on stderr, exit 2. `lockstep help`, `lockstep --help`, `lockstep -h`: the
 * overview on stdout, exit 0; `lockstep help COMMAND` and `lockstep COMMAND --help`: that command's help.
 * `lockstep --version`: the package version. Any other error is not the user's: exit 4 with one line
 * (internal-error.ts), and so is a failure to write the output; a reader gone away (EPIPE) ends it quietly.
 */
import { UsageError } from './usage-error.js';
import { COMMANDS } from './commands/index.js';
import { useScratchRoot } from './scratch-root.js';
import { commandHelp, overviewHelp } from './options/command-help.js';
import { packageVersion } from './package-version.js';
import { debugWanted, guardProcess, reportInternalError } from './internal-error.js';

export async function runCli(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  const debug = debugWanted(argv);
  guardProcess(name ?? '', debug);
  const overview = (): string => overviewHelp(COMMANDS.map((c) => c.declaration()), packageVersion());
  if (name === undefined) {
    process.stderr.write(overview());
    return 2;
  }
  try {
    if (name === '--version' || name === '-V') {
      if (rest.length > 0) throw new UsageError(`--version takes nothing after it, got '${rest.join(' ')}'`);
      process.stdout.write(`${packageVersion()}\n`);
      return 0;
    }
    if (name === '--help' || name === '-h' || name === 'help') {
      const [topic, ...extra] = rest;
      if (topic === undefined) {
        process.stdout.write(overview());
        return 0;
      }
      const command = findCommand(topic);
      if (extra.length > 0) throw new UsageError(`help takes one command, got '${rest.join(' ')}'`);
      process.stdout.write(commandHelp(command.declaration()));
      return 0;
    }
    const command = findCommand(name);
    useScratchRoot();
    return await command.run(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`lockstep ${name}: ${error.message}\n`);
      return 2;
    }
    return reportInternalError(name, error, debug);
  }
}

function findCommand(name: string) {
  const command = COMMANDS.find((c) => c.name === name);
  if (command === undefined) throw new UsageError(`unknown command '${name}'; expected one of: ${COMMANDS.map((c) => c.name).join(', ')} (lockstep help)`);
  return command;
}
