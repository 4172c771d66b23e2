/**
 * `lockstep run SCRIPT [--json]`: real SQLite's outcomes for a lock script, or for each script of an array,
 * each on a fresh database in its own temporary directory, connections stepped one statement at a time.
 */
import { LockStepPool } from '../../../impl/lock-step/index.js';
import { outcomeTable, scriptHeading } from '../lock-script-table.js';
import { answerLockScripts } from '../lock-script-answer.js';
import type { Command } from './command.js';

export const runCommand: Command = {
  name: 'run',
  synopsis: 'run SCRIPT [--json]      real SQLite\'s outcomes for the same',
  run(argv) {
    // One pool of reused databases for the whole file (the outcomes of runLockScript, a few times faster),
    // closed and removed afterwards, also on failure.
    const pool = new LockStepPool();
    try {
      return Promise.resolve(
        answerLockScripts('run', argv, (script) => pool.run(script), (script, outcomes, label) =>
          `${scriptHeading(script, label)}\n${outcomeTable(script, outcomes, { wouldWait: false })}`,
        ),
      );
    } finally {
      pool.close();
    }
  },
};
