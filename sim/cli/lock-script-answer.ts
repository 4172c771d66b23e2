/**
 * What `predict` and `run` share: read SCRIPT, answer every script with one engine, print
 * `{ "outcomes": [...] }` (or an array of them, mirroring the input) with --json, else one table per script.
 */
import type { LockScript, StepOutcome } from '../../spec/sqlite/lock-script.js';
import { parseOptions } from './command-options.js';
import { readLockScripts } from './lock-script-input.js';
import { UsageError } from './usage-error.js';

export function answerLockScripts(
  command: string,
  argv: readonly string[],
  engine: (script: LockScript) => readonly StepOutcome[],
  render: (script: LockScript, outcomes: readonly StepOutcome[], label: string) => string,
): number {
  const options = parseOptions(argv, { flags: ['--json'], values: {} });
  const [path, ...extra] = options.positionals;
  if (path === undefined) {
    throw new UsageError(`missing SCRIPT (expected: lockstep ${command} SCRIPT [--json], SCRIPT a lock script JSON file or - for stdin)`);
  }
  if (extra.length > 0) {
    throw new UsageError(`expected one SCRIPT, got ${options.positionals.length} arguments: ${options.positionals.join(' ')}`);
  }
  const { scripts, single } = readLockScripts(path);
  const answers = scripts.map((script) => engine(script));
  if (options.flags.has('--json')) {
    const documents = answers.map((outcomes) => ({ outcomes }));
    process.stdout.write(`${JSON.stringify(single ? documents[0] : documents, null, 2)}\n`);
  } else {
    const blocks = scripts.map((script, index) => render(script, answers[index] ?? [], `script ${index + 1}`));
    process.stdout.write(blocks.length > 0 ? `${blocks.join('\n\n')}\n` : 'no scripts\n');
  }
  return 0;
}
