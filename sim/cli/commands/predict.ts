/**
 * `lockstep predict SCRIPT [--json]`: the model's outcomes for a lock script, or for each script of an array.
 * SCRIPT is a file path or `-` for stdin.
 */
import { predict } from '../../../spec/sqlite/predict.js';
import { outcomeTable, scriptHeading } from '../lock-script-table.js';
import { answerLockScripts, LOCK_SCRIPT_OPTIONS, SCRIPT_ARGUMENT } from '../lock-script-answer.js';
import { defineCommand } from '../options/command.js';

export const predictCommand = defineCommand({
  name: 'predict',
  summary: "the model's outcome for every step of a lock script (or of each script of an array)",
  positionals: SCRIPT_ARGUMENT,
  options: LOCK_SCRIPT_OPTIONS,
  examples: ['lockstep predict examples/actifix.json', "echo '{\"connections\":1,\"steps\":[{\"conn\":0,\"op\":\"read\",\"key\":\"a\"}],\"journal\":\"wal\"}' | lockstep predict - --json"],
  run({ positionals, values }) {
    return Promise.resolve(
      answerLockScripts('predict', positionals[0]!, values.json, predict, (script, outcomes, label) =>
        `${scriptHeading(script, label)}\n${outcomeTable(script, outcomes, { wouldWait: true })}`,
      ),
    );
  },
});
