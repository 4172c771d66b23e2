/**
 * `lockstep check SCENARIO [--variant V] [--engine sim|real|both] [--strategy exhaustive|random|pct] [--runs N]
 * [--seed S] [scenario parameters] [--trace-out FILE] [--json]` and `lockstep check --all [--json]`.
 *
 * Exit 0 when the property holds (for --all: every variant behaved as documented on both engines), 1 on a
 * violation, a limit reached, or a disagreement between the engines; 2 on bad usage.
 */
import { accessSync, constants, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CATALOGUE } from '../../../properties/catalogue.js';
import type { Expectation } from '../../../properties/catalogue.js';
import { documentedRuns } from '../../../properties/catalogue.js';
import type { CheckResult, StrategyName } from '../../check.js';
import { check, STRATEGIES } from '../../check.js';
import { DEFAULT_EXHAUSTIVE_LIMITS } from '../../strategies/exhaustive-strategy.js';
import type { JudgedAlone } from '../../reproduce-command.js';
import type { ScenarioBinding } from '../../scenario-binding.js';
import { findBinding, SCENARIOS } from '../../scenarios/index.js';
import type { EngineName, ScenarioParams } from '../../trace.js';
import { checkCommandLine, renderCheck, renderCheckMermaid } from '../check-output.js';
import { UsageError } from '../usage-error.js';
import { defineCommand, type OptionGroup, type ParsedArgs } from '../options/command.js';
import { choice, flag, integer, text } from '../options/option.js';
import { jsonOption, seedOption } from '../options/shared-options.js';
import { printJson } from '../json-envelope.js';
import { shownTrace } from '../../shown-trace.js';
import { writeViewer } from '../../view/write-viewer.js';

const DEFAULT_RUNS = 1000;
const DEFAULT_SEED = 42;

/** check's options; each scenario's own parameters come on top of them (see `scenarioGroups`). */
const CHECK_OPTIONS = {
  all: flag('check every scenario x variant x documented parameter set on both engines against its documented verdict (with --json at most)'),
  variant: text('the variant to check; without it, the scenario\'s first', 'V', 'a variant of the scenario, as lockstep list names them'),
  engine: choice('sim: the model; real: the real code on real SQLite driven through the model\'s schedules; both: one after the other', ['sim', 'real', 'both'] as const, { default: 'sim' }),
  strategy: choice('how schedules are chosen', STRATEGIES, { default: 'exhaustive' }),
  runs: integer('schedules to try (random and pct only)', 'N', 1, 1_000_000, { default: DEFAULT_RUNS }),
  seed: seedOption('the seed of the random choices (random and pct only)', DEFAULT_SEED),
  'max-worlds': integer('the most distinct worlds exhaustive may visit; reaching it is the verdict limit-reached', 'N', 1, 50_000_000, { default: DEFAULT_EXHAUSTIVE_LIMITS.maxWorlds }),
  property: text("judge one of the scenario's properties alone: the shortest violation of it, when another property's comes sooner (no-deadlock is judged as always)", 'P', 'a property of the scenario, as lockstep list names them'),
  'trace-out': text('write the counterexample as a trace file (with --engine both: FILE.sim.json and FILE.real.json)', 'FILE', 'a file name in a writable folder'),
  html: text('write the trace viewer (one self-contained HTML file) of the counterexample, or of the representative run when the properties hold (with --engine both: FILE.sim.html and FILE.real.html)', 'FILE', 'a file name in a writable folder'),
  json: jsonOption,
  mermaid: flag('print the counterexample as a Mermaid sequence diagram instead of the report (one engine)'),
} as const;

/** One group of options per scenario: its parameters, with that scenario's own ranges and defaults. */
function scenarioGroups(): OptionGroup[] {
  return SCENARIOS.map((binding) => ({
    title: `parameters of ${binding.entry.name}`,
    options: Object.fromEntries(binding.params.map((p) => [p.flag, p.option])),
  }));
}

export const checkCommand = defineCommand({
  name: 'check',
  summary: 'one scenario variant on one engine with one strategy, or (--all) every documented run against its documented verdict',
  positionals: { name: 'SCENARIO', describe: `one of ${SCENARIOS.map((s) => s.entry.name).join(', ')} (lockstep list); or give --all`, min: 0, max: 1 },
  options: CHECK_OPTIONS,
  groups: scenarioGroups,
  notes: [
    'exit 0 when the properties hold, 1 on a violation, a limit reached or a disagreement between the engines (for --all: when a run did not behave as documented)',
    'every failure ends with the command that reproduces it',
  ],
  examples: ['lockstep check tickets --variant deferred --engine both', 'lockstep check lifecycle --variant fixed --workers 4 --strategy random --runs 200 --seed 7', 'lockstep check --all --json'],
  run: (args) => runCheck(args),
});

async function runCheck({ positionals, values, given, grouped }: ParsedArgs<typeof CHECK_OPTIONS>): Promise<number> {
  const { json, mermaid } = values;
  if (json && mermaid) throw new UsageError('--json and --mermaid are two different outputs: give one');
  if (values.all) {
    const others = [...given].filter((name) => !['all', 'json', 'debug'].includes(name));
    if (positionals.length > 0 || others.length > 0) throw new UsageError(`--all takes no scenario and no other option but --json, got ${[...positionals, ...others.map((name) => `--${name}`)].join(' ')}`);
    return checkAll(json);
  }
  const name = positionals[0];
  if (name === undefined) throw new UsageError(`name a scenario (${SCENARIOS.map((s) => s.entry.name).join(', ')}) or give --all`);
  const found = findBinding(name);
  if (found === undefined) throw new UsageError(`unknown scenario '${name}' (expected ${SCENARIOS.map((s) => s.entry.name).join(', ')})`);
  const binding = values.property === undefined ? found : judgedAlone(found, values.property);
  const variants = binding.entry.variants.map((v) => v.name);
  const variant = values.variant ?? variants[0]!;
  if (!variants.includes(variant)) throw new UsageError(`--variant must be one of ${variants.join(', ')} for ${name}, got '${variant}'`);
  const { engine: engineWord, strategy, runs, seed } = values;
  for (const flag of grouped.keys()) {
    if (!binding.params.some((p) => p.flag === flag)) throw new UsageError(`option --${flag} does not apply to scenario ${name} (its parameters: ${binding.params.map((p) => `--${p.flag}`).join(', ')})`);
  }
  const params: Record<string, string | number> = {};
  for (const spec of binding.params) {
    const text = grouped.get(spec.flag);
    params[spec.name] = text === undefined ? spec.default : spec.parse(text);
  }
  // A model refuses parameters that cannot go together (say, a variant that has no form on a runtime): bad usage.
  try {
    binding.model(variant, params);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const limits = { ...DEFAULT_EXHAUSTIVE_LIMITS, maxWorlds: values['max-worlds'] };
  if (given.has('max-worlds') && strategy !== 'exhaustive') throw new UsageError('--max-worlds applies to --strategy exhaustive only');
  if (strategy === 'exhaustive') {
    for (const flag of ['runs', 'seed']) if (given.has(flag)) throw new UsageError(`--${flag} applies to --strategy random or pct, not to exhaustive`);
  }
  if (mermaid && engineWord === 'both') throw new UsageError('--mermaid draws one diagram: give --engine sim or --engine real');
  const engines: EngineName[] = engineWord === 'both' ? ['sim', 'real'] : [engineWord];
  const traceOut = values['trace-out'] ?? null;
  if (traceOut !== null) assertWritable(engines.length > 1 ? traceOut.replace(/(\.json)?$/, '.sim.json') : traceOut);
  const htmlOut = values.html ?? null;
  if (htmlOut !== null) assertWritable(engines.length > 1 ? htmlOut.replace(/(\.html)?$/, '.sim.html') : htmlOut, '--html');
  const results: (CheckResult & { elapsedMs: number })[] = [];
  let exit = 0;
  for (const engine of engines) {
    const started = performance.now();
    const result = await check(binding, { variant, engine, strategy, runs, seed, params, limits, progress: (line) => process.stderr.write(`${line}\n`) });
    const elapsedMs = Math.round(performance.now() - started);
    results.push({ ...result, elapsedMs });
    if (result.verdict !== 'holds' || result.mismatch !== null) exit = 1;
    let traceFile: string | null = null;
    if (traceOut !== null && result.counterexample !== null) {
      traceFile = engines.length > 1 ? traceOut.replace(/(\.json)?$/, `.${engine}.json`) : traceOut;
      try {
        writeFileSync(traceFile, `${JSON.stringify(result.counterexample, null, 2)}\n`);
      } catch (error) {
        throw new UsageError(`cannot write the trace to ${traceFile}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      }
    }
    let htmlFile: string | null = null;
    if (htmlOut !== null) {
      htmlFile = engines.length > 1 ? htmlOut.replace(/(\.html)?$/, `.${engine}.html`) : htmlOut;
      writeViewer(await shownTrace(binding as ScenarioBinding<never, never>, result), htmlFile, '--html');
    }
    if (json) continue;
    if (mermaid) {
      process.stdout.write(`${renderCheckMermaid(result, binding)}\n`);
      continue;
    }
    process.stdout.write(`${renderCheck(result, binding, elapsedMs, traceFile)}${htmlFile === null ? '' : `\nviewer:    ${htmlFile}`}\n\n`);
  }
  if (json) printJson('check', { all: false, engines: results.map((r) => jsonOf(r, binding as ScenarioBinding<never, never>)) });
  return exit;
}

/**
 * The scenario judged by one of its properties alone (`--property`); the reproduce line and the trace say so
 * (reproduce-command.ts). no-deadlock is judged as always.
 */
function judgedAlone(binding: ScenarioBinding<never, never>, name: string): ScenarioBinding<never, never> & JudgedAlone {
  const property = binding.properties.find((p) => p.name === name);
  if (property === undefined) throw new UsageError(`--property must be one of ${binding.properties.map((p) => p.name).join(', ')} (the properties of ${binding.entry.name}), got '${name}'`);
  return { ...binding, properties: [property], judgedAlone: name };
}

/** Fails early, before a long check, when --trace-out names a place no file can be written to. */
function assertWritable(file: string, option = '--trace-out'): void {
  const dir = dirname(file);
  let isDir: boolean;
  try {
    isDir = statSync(dir).isDirectory();
  } catch (error) {
    throw new UsageError(`${option} ${file}: cannot write there: ${(error as NodeJS.ErrnoException).code ?? 'no such folder'}`);
  }
  if (!isDir) throw new UsageError(`${option} ${file}: ${dir} is not a folder`);
  try {
    if (statSync(file).isDirectory()) throw new UsageError(`${option} ${file} is a folder: give a file name`);
  } catch (error) {
    if (error instanceof UsageError) throw error;
  }
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new UsageError(`${option} ${file}: the folder ${dir} is not writable`);
  }
}

function jsonOf(result: CheckResult & { elapsedMs?: number }, binding: ScenarioBinding<never, never>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    scenario: result.scenario,
    variant: result.variant,
    engine: result.engine,
    strategy: result.strategy,
    params: result.params,
    verdict: result.verdict,
    property: result.property,
    message: result.message,
    explored: result.explored,
    notable: result.notable,
    limit: result.limit,
    mismatch: result.mismatch,
    elapsedMs: result.elapsedMs ?? null,
    counterexample: result.counterexample,
    reproduce: checkCommandLine(result, binding),
    ...extra,
  };
}

/**
 * Whether a result is what the catalogue documents. A documented hold must also have reached a dangerous
 * window: a pass that never met the race proves nothing (DESIGN.md, "A bug is shown, not asserted").
 */
export function meets(result: CheckResult, expected: Expectation): boolean {
  if (result.mismatch !== null) return false;
  if (expected.verdict === 'holds') return result.verdict === 'holds' && Object.keys(result.notable).length > 0;
  return result.verdict === 'violation' && result.property === expected.property;
}

async function checkAll(json: boolean): Promise<number> {
  const rows: Record<string, unknown>[] = [];
  let allMatch = true;
  for (const entry of CATALOGUE) {
    const binding = findBinding(entry.name) as ScenarioBinding<never, never>;
    const defaults: ScenarioParams = Object.fromEntries(binding.params.map((p) => [p.name, p.default]));
    for (const variant of entry.variants) {
      // The variant at the defaults, under each parameter set of the scenario, and under each further
      // documented set of parameters (a fault, a threshold) with its own expectation.
      for (const documented of documentedRuns(entry, variant)) {
        const params: ScenarioParams = { ...defaults, ...documented.params };
        const under = binding.params
          .filter((p) => documented.params[p.name] !== undefined)
          .map((p) => ` --${p.flag} ${String(documented.params[p.name])}`)
          .join('');
        for (const engine of ['sim', 'real'] as const) {
          const started = performance.now();
          const result = await check(binding, { variant: variant.name, engine, strategy: 'exhaustive' as StrategyName, runs: DEFAULT_RUNS, seed: DEFAULT_SEED, params });
          const elapsedMs = Math.round(performance.now() - started);
          const matches = meets(result, documented.expected);
          allMatch &&= matches;
          rows.push(jsonOf({ ...result, elapsedMs }, binding, { expected: documented.expected, matches }));
          if (!json) {
            const got = result.verdict === 'violation' ? `violation of ${result.property}` : result.verdict;
            const want = documented.expected.verdict === 'violation' ? `violation of ${documented.expected.property}` : 'holds';
            const e = result.explored;
            const size = engine === 'sim' ? `${e.states} worlds` : `${e.schedules} schedules replayed`;
            process.stdout.write(
              `${matches ? 'ok  ' : 'FAIL'} ${entry.name}/${variant.name}${under} on ${engine}: ${got} (expected ${want}; ${size}; ${elapsedMs} ms)${result.mismatch ? ' DISAGREES with the model' : ''}\n`,
            );
            if (!matches) process.stdout.write(`     reproduce: ${checkCommandLine(result, binding)}\n`);
          }
        }
      }
    }
  }
  if (json) printJson('check', { all: true, matches: allMatch, rows });
  else process.stdout.write(allMatch ? 'every variant behaved as documented on both engines\n' : 'some variants did not behave as documented\n');
  return allMatch ? 0 : 1;
}
