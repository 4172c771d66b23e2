/**
 * What `predict` and `run` share: their declaration (one SCRIPT, --json), reading SCRIPT, answering every
 * script with one engine, and printing `{ "outcomes": [...] }` (or an array of them, mirroring the input) with
 * --json, else one table per script.
 */
import type { LockScript, StepOutcome } from '../../spec/sqlite/lock-script.js';
import { readLockScripts } from './lock-script-input.js';
import { jsonOption } from './options/shared-options.js';
import { printJson } from './json-envelope.js';
import type { PositionalSpec } from './options/command.js';

export const SCRIPT_ARGUMENT: PositionalSpec = { name: 'SCRIPT', describe: 'a lock script JSON file (one script or an array of them), or - for stdin', min: 1, max: 1 };
export const LOCK_SCRIPT_OPTIONS = { json: jsonOption } as const;

export function answerLockScripts(
  command: 'predict' | 'run',
  path: string,
  json: boolean,
  engine: (script: LockScript) => readonly StepOutcome[],
  render: (script: LockScript, outcomes: readonly StepOutcome[], label: string) => string,
): number {
  const { scripts, single } = readLockScripts(path);
  const answers = scripts.map((script) => engine(script));
  if (json) {
    const documents = answers.map((outcomes) => ({ outcomes }));
    printJson(command, { answer: single ? documents[0] : documents });
  } else {
    const blocks = scripts.map((script, index) => render(script, answers[index] ?? [], `script ${index + 1}`));
    process.stdout.write(`${blocks.join('\n\n')}\n`);
  }
  return 0;
}
