/**
 * `lockstep run SCRIPT [--json]`: real SQLite's outcomes for a lock script, or for each script of an array,
 * each on a fresh database in its own temporary directory, connections stepped one statement at a time.
 */
import { runLockScript } from '../../../impl/lock-step/run-lock-script.js';
import { outcomeTable, scriptHeading } from '../lock-script-table.js';
import { answerLockScripts } from '../lock-script-answer.js';
import type { Command } from './command.js';

export const runCommand: Command = {
  name: 'run',
  synopsis: 'run SCRIPT [--json]      real SQLite\'s outcomes for the same',
  run(argv) {
    return Promise.resolve(
      answerLockScripts('run', argv, runLockScript, (script, outcomes, label) =>
        `${scriptHeading(script, label)}\n${outcomeTable(script, outcomes, { wouldWait: false })}`,
      ),
    );
  },
};
