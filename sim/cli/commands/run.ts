/**
 * `lockstep run SCRIPT [--json]`: real SQLite's outcomes for a lock script, or for each script of an array,
 * each on a fresh database in its own temporary directory, connections stepped one statement at a time.
 */
import { LockStepPool } from '../../../impl/lock-step/index.js';
import { outcomeTable, scriptHeading } from '../lock-script-table.js';
import { answerLockScripts, LOCK_SCRIPT_OPTIONS, SCRIPT_ARGUMENT } from '../lock-script-answer.js';
import { defineCommand } from '../options/command.js';

export const runCommand = defineCommand({
  name: 'run',
  summary: "real SQLite's outcome for every step of a lock script (or of each script of an array)",
  positionals: SCRIPT_ARGUMENT,
  options: LOCK_SCRIPT_OPTIONS,
  examples: ['lockstep run examples/actifix.json --json'],
  run({ positionals, values }) {
    // One pool of reused databases for the whole file (the outcomes of runLockScript, a few times faster),
    // closed and removed afterwards, also on failure.
    const pool = new LockStepPool();
    try {
      return Promise.resolve(
        answerLockScripts('run', positionals[0]!, values.json, (script) => pool.run(script), (script, outcomes, label) =>
          `${scriptHeading(script, label)}\n${outcomeTable(script, outcomes, { wouldWait: false })}`,
        ),
      );
    } finally {
      pool.close();
    }
  },
});
