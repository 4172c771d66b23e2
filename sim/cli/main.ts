/**
 * `lockstep` command dispatch. Contract (DESIGN.md, "Command line"): exit 0 when the property holds (or no
 * disagreement), 1 on a violation or disagreement, 2 on bad usage or input with one line on stderr.
 * `--json` prints one JSON document on stdout and nothing else there.
 */
import { UsageError } from './usage-error.js';
import { COMMANDS } from './commands/index.js';
import { useScratchRoot } from './scratch-root.js';

export async function runCli(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    process.stderr.write('lockstep: name a command (lockstep --help lists them)\n');
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  useScratchRoot();
  try {
    if (command === undefined) {
      throw new UsageError(`unknown command '${name}'; expected one of: ${COMMANDS.map((c) => c.name).join(', ')}`);
    }
    return await command.run(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`lockstep ${name ?? ''}: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

function usage(): string {
  const lines = COMMANDS.map((c) => `  lockstep ${c.synopsis}`);
  return ['usage:', ...lines, '', 'exit codes: 0 holds / agrees, 1 violation / disagreement, 2 bad usage or input', ''].join('\n');
}
