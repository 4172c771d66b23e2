/**
 * `lockstep predict SCRIPT [--json]`: the model's outcomes for a lock script, or for each script of an array.
 * SCRIPT is a file path or `-` for stdin.
 */
import { predict } from '../../../spec/sqlite/predict.js';
import { outcomeTable, scriptHeading } from '../lock-script-table.js';
import { answerLockScripts } from '../lock-script-answer.js';
import type { Command } from './command.js';

export const predictCommand: Command = {
  name: 'predict',
  synopsis: 'predict SCRIPT [--json]  the model\'s outcomes for a lock script file (or an array of them; - reads stdin)',
  run(argv) {
    return Promise.resolve(
      answerLockScripts('predict', argv, predict, (script, outcomes, label) =>
        `${scriptHeading(script, label)}\n${outcomeTable(script, outcomes, { wouldWait: true })}`,
      ),
    );
  },
};
