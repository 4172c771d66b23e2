/**
 * `lockstep conform [SCRIPT | --random N [--seed S] [--path P]] [--journal delete|wal] [--json]`: the model and
 * real SQLite on the same lock scripts, compared step by step (status, code, value, inTransaction).
 *
 * Exit 0 when they agree everywhere, 1 on a disagreement (or an engine that throws on a valid script), printed
 * as the minimal script in JSON, the step, both outcomes side by side and the command that replays it;
 * 2 on bad usage or input.
 */
import { randomInt } from 'node:crypto';
import { JOURNALS, stepSql, type Journal, type LockScript, type StepOutcome } from '../../../spec/sqlite/lock-script.js';
import { predict } from '../../../spec/sqlite/predict.js';
import { LockStepPool } from '../../../impl/lock-step/index.js';
import {
  assertConforms,
  checkConformance,
  ConformanceError,
  describeFailure,
  minimizeFailure,
  type ConformanceFailure,
  type LockEngine,
} from '../../../properties/conformance.js';
import { readLockScripts } from '../lock-script-input.js';
import { comparisonTable, scriptJson } from '../lock-script-table.js';
import { UsageError } from '../usage-error.js';
import { defineCommand, type ParsedArgs } from '../options/command.js';
import { integer, text } from '../options/option.js';
import { journalOption, jsonOption, SEED_MAX, seedOption } from '../options/shared-options.js';
import { printJson } from '../json-envelope.js';

/** Progress on stderr every this many scripts, only when stderr is a terminal. */
const PROGRESS_EVERY = 1000;

const CONFORM_OPTIONS = {
  random: integer('compare on this many random lock scripts instead of a SCRIPT file', 'N', 1, 10_000_000),
  seed: seedOption('the seed of the random scripts (with --random; default: one chosen and printed)'),
  path: text('the fast-check path printed by an earlier run, to replay its shrunk script (with --random)', 'P', 'a fast-check path like 3:0:1', {
    check: (value: string) => (/^\d+(:\d+)*$/.test(value) ? null : 'a fast-check path like 3:0:1'),
  }),
  journal: journalOption('run every script in this journal mode (default: each script\'s own; random scripts use both)'),
  json: jsonOption,
} as const;

export const conformCommand = defineCommand({
  name: 'conform',
  summary: 'the model and real SQLite on the same lock scripts, compared step by step; a disagreement is shrunk to a minimal script',
  positionals: { name: 'SCRIPT', describe: 'a lock script JSON file (or an array of them), or - for stdin; or give --random N instead', min: 0, max: 1 },
  options: CONFORM_OPTIONS,
  notes: ['exit 0 when both engines agree on every step, 1 on a disagreement (printed with the minimal script and the command that replays it)'],
  examples: ['lockstep conform examples/actifix.json', 'lockstep conform --random 20000 --seed 7'],
  run(args) {
    return Promise.resolve(conform(args));
  },
});

interface Located {
  /** 1-based number of the script in the file; absent for a random script. */
  readonly scriptNumber?: number;
  readonly failure: ConformanceFailure;
  readonly replay: readonly string[];
  /** For a script from a file: the same failure on the smallest script derived from it, when smaller. */
  readonly minimal?: ConformanceFailure;
}

interface Summary {
  readonly source: 'file' | 'random';
  readonly file?: string;
  readonly seed?: number;
  readonly seedChosen?: boolean;
  readonly path?: string;
  readonly journal: Journal | 'both';
  readonly scripts: number;
  readonly disagreements: number;
  readonly stepsCompared: number;
  readonly busyCompared: number;
  readonly shrinks?: number;
  readonly elapsedMs: number;
  readonly failures: readonly Located[];
}

function conform({ positionals, values, given }: ParsedArgs<typeof CONFORM_OPTIONS>): number {
  const { json, journal, path: pathText, seed } = values;
  const count = values.random;
  const file = positionals[0];
  if (file !== undefined && count !== undefined) {
    throw new UsageError(`give either SCRIPT or --random N, not both (got SCRIPT '${file}' and --random ${count})`);
  }
  if (file === undefined && count === undefined) {
    throw new UsageError('expected SCRIPT (a lock script JSON file, or - for stdin) or --random N');
  }
  if (count === undefined) {
    for (const name of ['seed', 'path'] as const) if (given.has(name)) throw new UsageError(`option --${name} applies only with --random N`);
  }

  // Real SQLite through one pool of reused databases (same outcomes as runLockScript, a few times faster),
  // closed and removed when the answer is written, also on failure.
  const pool = new LockStepPool();
  try {
    const real: LockEngine = (script) => pool.run(script);
    const summary =
      file !== undefined
        ? conformFile(file, journal, real)
        : conformRandom(count ?? 1, seed, pathText, journal, json, real);
    if (json) printJson('conform', toJson(summary));
    else process.stdout.write(renderText(summary, real));
    return summary.disagreements === 0 ? 0 : 1;
  } finally {
    pool.close();
  }
}

function conformFile(file: string, journal: Journal | undefined, realEngine: LockEngine): Summary {
  const started = performance.now();
  const { scripts } = readLockScripts(file);
  const failures: Located[] = [];
  let stepsCompared = 0;
  let busyCompared = 0;
  scripts.forEach((read, index) => {
    const script: LockScript = journal === undefined ? read : { ...read, journal };
    try {
      const { real } = assertConforms(script, realEngine, predict);
      stepsCompared += real.length;
      busyCompared += real.filter(isBusy).length;
    } catch (error) {
      if (!(error instanceof ConformanceError)) throw error;
      const failure = error.failure;
      if (failure.kind === 'disagreement') {
        stepsCompared += failure.index + (failure.real === null ? 0 : 1);
        busyCompared += failure.real !== null && isBusy(failure.real) ? 1 : 0;
      }
      // Stdin cannot be replayed by name: then only the script inline does it.
      const whole = `lockstep conform ${shellQuote(file)}${journal === undefined ? '' : ` --journal ${journal}`}`;
      const replay = file === '-' ? [replayScript(script)] : scripts.length === 1 ? [whole] : [replayScript(script), whole];
      const minimal = minimizeFailure(failure, realEngine, predict).failure;
      const smaller = minimal.script.steps.length < script.steps.length || minimal.script.connections < script.connections;
      failures.push({ scriptNumber: index + 1, failure, replay, ...(smaller ? { minimal } : {}) });
    }
  });
  return {
    source: 'file',
    file,
    journal: journal ?? 'both',
    scripts: scripts.length,
    disagreements: failures.length,
    stepsCompared,
    busyCompared,
    elapsedMs: Math.round(performance.now() - started),
    failures,
  };
}

function conformRandom(
  count: number,
  givenSeed: number | undefined,
  path: string | undefined,
  journal: Journal | undefined,
  json: boolean,
  realEngine: LockEngine,
): Summary {
  const seed = givenSeed ?? randomInt(0, SEED_MAX);
  if (!json) {
    const chosen = givenSeed === undefined ? ` (chosen; --seed ${seed} repeats this run)` : '';
    const journals = journal === undefined ? 'journal delete and wal' : `journal ${journal}`;
    process.stdout.write(`conform: ${count} random scripts, seed ${seed}${chosen}, ${journals}\n`);
  }
  const progress = process.stderr.isTTY === true;
  const started = performance.now();
  const report = checkConformance({
    count,
    seed,
    runReal: realEngine,
    ...(journal !== undefined ? { journal } : {}),
    ...(path !== undefined ? { path } : {}),
    onProgress: (runs) => {
      if (progress && runs % PROGRESS_EVERY === 0) {
        process.stderr.write(`conform: ${runs} of ${count} scripts, no disagreement so far\n`);
      }
    },
  });
  const journalOption = journal === undefined ? '' : ` --journal ${journal}`;
  const failures: Located[] =
    report.counterexample === undefined
      ? []
      : [
          {
            failure: report.counterexample,
            replay: [
              replayScript(report.counterexample.script),
              `lockstep conform --random ${count} --seed ${seed}${report.path !== undefined ? ` --path ${report.path}` : ''}${journalOption}`,
            ],
          },
        ];
  return {
    source: 'random',
    seed,
    seedChosen: givenSeed === undefined,
    ...(report.path !== undefined ? { path: report.path } : {}),
    journal: journal ?? 'both',
    scripts: report.runs,
    disagreements: report.disagreements,
    stepsCompared: report.stepsCompared,
    busyCompared: report.busyCompared,
    shrinks: report.shrinks,
    elapsedMs: Math.round(performance.now() - started),
    failures,
  };
}

function isBusy(outcome: StepOutcome): boolean {
  return outcome.status === 'busy' || outcome.status === 'busy_snapshot';
}

/** A command that replays exactly this script: the script inline, on stdin. */
function replayScript(script: LockScript): string {
  return `printf '%s' ${shellQuote(JSON.stringify(script))} | lockstep conform -`;
}

function shellQuote(text: string): string {
  return /^[\w./:=@+-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

function toJson(summary: Summary): object {
  return {
    source: summary.source,
    ...(summary.file !== undefined ? { file: summary.file } : {}),
    ...(summary.seed !== undefined ? { seed: summary.seed } : {}),
    ...(summary.path !== undefined ? { path: summary.path } : {}),
    journal: summary.journal,
    scripts: summary.scripts,
    disagreements: summary.disagreements,
    stepsCompared: summary.stepsCompared,
    busyCompared: summary.busyCompared,
    ...(summary.shrinks !== undefined ? { shrinks: summary.shrinks } : {}),
    elapsedMs: summary.elapsedMs,
    counterexamples: summary.failures.map(({ scriptNumber, failure, replay, minimal }) => ({
      ...(scriptNumber !== undefined ? { scriptNumber } : {}),
      ...failureJson(failure),
      replay,
      ...(minimal !== undefined ? { minimal: { ...failureJson(minimal), replay: [replayScript(minimal.script)] } } : {}),
    })),
  };
}

function failureJson(failure: ConformanceFailure): object {
  const sql = failure.kind === 'disagreement' && failure.step !== undefined ? { sql: stepSql(failure.step) } : {};
  return { ...failure, ...sql };
}

function renderText(summary: Summary, realEngine: LockEngine): string {
  const blocks = summary.failures.map((located) => renderFailure(located, summary, realEngine));
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  const line = [
    plural(summary.scripts, 'script'),
    plural(summary.disagreements, 'disagreement'),
    ...(summary.seed !== undefined ? [`seed ${summary.seed}`] : []),
    `${summary.stepsCompared} steps compared`,
    `${summary.busyCompared} busy outcomes compared`,
    `${(summary.elapsedMs / 1000).toFixed(1)} s`,
  ].join(', ');
  return [...blocks, line, ''].join('\n');
}

function renderFailure(located: Located, summary: Summary, realEngine: LockEngine): string {
  const { failure, scriptNumber, replay } = located;
  const where =
    summary.source === 'file'
      ? `script ${scriptNumber ?? 1} of ${summary.file === '-' ? 'stdin' : summary.file}`
      : `a random script (found after ${summary.scripts} scripts, shrunk ${summary.shrinks ?? 0} times)`;
  const lines: string[] = [];
  if (failure.kind === 'crash') {
    lines.push(`CRASH in ${where}: ${describeFailure(failure)}`);
  } else {
    const step = failure.step;
    const label = step === undefined ? '(past the last step)' : `conn ${step.conn}: ${stepSql(step)}`;
    lines.push(`DISAGREEMENT in ${where} at step ${failure.index + 1}, ${label}`, '');
    lines.push(sideBySide(failure.model, failure.real, failure.fields), '');
    const whole = wholeComparison(failure.script, failure.index, realEngine);
    if (whole !== null) lines.push('every step of the script:', whole, '');
  }
  lines.push(summary.source === 'random' ? 'minimal script:' : 'the script:');
  lines.push(scriptJson(failure.script), '');
  lines.push('replay:', ...replay.map((command) => `  ${command}`), '');
  if (located.minimal !== undefined) {
    const at = located.minimal.kind === 'disagreement' ? ` at step ${located.minimal.index + 1}` : '';
    lines.push(`shrunk to a minimal script that still fails${at}:`);
    lines.push(scriptJson(located.minimal.script), '', 'replay:', `  ${replayScript(located.minimal.script)}`, '');
  }
  return lines.join('\n');
}

function sideBySide(
  model: StepOutcome | null,
  real: StepOutcome | null,
  fields: readonly string[],
): string {
  const show = (outcome: StepOutcome | null, field: keyof StepOutcome): string => {
    if (outcome === null) return '(no outcome)';
    const value = outcome[field];
    return value === undefined ? '-' : String(value);
  };
  const rows: [string, string, string, string][] = (['status', 'code', 'value', 'inTransaction'] as const).map((field) => [
    fields.includes(field) ? '>>' : '',
    field,
    show(model, field),
    show(real, field),
  ]);
  rows.push(['', 'wouldWait', show(model, 'wouldWait'), '(not compared)']);
  const width = (column: 1 | 2): number => Math.max(...rows.map((row) => row[column].length), 'model'.length);
  const format = (row: readonly string[]): string =>
    `${(row[0] ?? '').padEnd(2)} ${(row[1] ?? '').padEnd(width(1))}  ${(row[2] ?? '').padEnd(width(2))}  ${row[3] ?? ''}`.trimEnd();
  return [format(['', '', 'model', 'real']), ...rows.map(format)].join('\n');
}

/** Both engines' outcomes for every step of the script, or null if either engine throws on it now. */
function wholeComparison(script: LockScript, index: number, realEngine: LockEngine): string | null {
  try {
    return comparisonTable(script, predict(script), realEngine(script), index);
  } catch {
    return null;
  }
}
