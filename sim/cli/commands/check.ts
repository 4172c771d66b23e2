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
import type { ScenarioBinding } from '../../scenario-binding.js';
import { findBinding, SCENARIOS } from '../../scenarios/index.js';
import type { EngineName, ScenarioParams } from '../../trace.js';
import { checkCommandLine, renderCheck, renderCheckMermaid } from '../check-output.js';
import { choiceOption, integerOption, parseOptions } from '../command-options.js';
import { UsageError } from '../usage-error.js';
import type { Command } from './command.js';

const DEFAULT_RUNS = 1000;
const DEFAULT_SEED = 42;

export const checkCommand: Command = {
  name: 'check',
  synopsis:
    'check SCENARIO [--variant V] [--engine sim|real|both] [--strategy exhaustive|random|pct] [--runs N] [--seed S] [--workers N] [--journal delete|wal] [--max-worlds N] [--property P] [--trace-out FILE] [--json | --mermaid]\n  lockstep check --all [--json]',
  run: (argv) => runCheck(argv),
};

function paramFlags(): Record<string, string> {
  const values: Record<string, string> = {};
  for (const binding of SCENARIOS) for (const p of binding.params) values[`--${p.flag}`] ??= p.describe;
  return values;
}

async function runCheck(argv: readonly string[]): Promise<number> {
  const options = parseOptions(argv, {
    flags: ['--json', '--all', '--mermaid'],
    values: {
      '--variant': 'a variant of the scenario (lockstep list)',
      '--engine': 'sim, real or both',
      '--strategy': STRATEGIES.join(', '),
      '--runs': 'a number of schedules, 1 to 1000000',
      '--seed': 'an integer',
      '--trace-out': 'a file to write the counterexample trace to',
      '--max-worlds': 'the most distinct worlds exhaustive may visit, 1 to 50000000',
      '--property': "one of the scenario's properties (lockstep list), judged alone",
      ...paramFlags(),
    },
  });
  const json = options.flags.has('--json');
  const mermaid = options.flags.has('--mermaid');
  if (json && mermaid) throw new UsageError('--json and --mermaid are two different outputs: give one');
  if (options.flags.has('--all')) {
    if (options.positionals.length > 0 || options.values.size > 0) throw new UsageError('--all takes no scenario and no other option but --json');
    return checkAll(json);
  }
  const [name, ...extra] = options.positionals;
  if (name === undefined) throw new UsageError(`name a scenario (${SCENARIOS.map((s) => s.entry.name).join(', ')}) or give --all`);
  if (extra.length > 0) throw new UsageError(`one scenario at a time, got also '${extra.join(' ')}'`);
  const found = findBinding(name);
  if (found === undefined) throw new UsageError(`unknown scenario '${name}' (expected ${SCENARIOS.map((s) => s.entry.name).join(', ')})`);
  const propertyName = options.values.get('--property');
  const binding = propertyName === undefined ? found : judgedAlone(found, propertyName);
  const variants = binding.entry.variants.map((v) => v.name);
  const variant = choiceOption('--variant', options.values.get('--variant') ?? variants[0]!, variants);
  const engineWord = choiceOption('--engine', options.values.get('--engine') ?? 'sim', ['sim', 'real', 'both'] as const);
  const strategy = choiceOption('--strategy', options.values.get('--strategy') ?? 'exhaustive', STRATEGIES);
  const runs = integerOption('--runs', options.values.get('--runs') ?? String(DEFAULT_RUNS), 1, 1_000_000);
  const seed = integerOption('--seed', options.values.get('--seed') ?? String(DEFAULT_SEED), -0x80000000, 0x7fffffff);
  const params: Record<string, string | number> = {};
  for (const spec of binding.params) {
    const text = options.values.get(`--${spec.flag}`);
    try {
      params[spec.name] = text === undefined ? spec.default : spec.parse(text);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  }
  for (const flag of options.values.keys()) {
    const known = ['--variant', '--engine', '--strategy', '--runs', '--seed', '--trace-out', '--max-worlds', '--property'].includes(flag) || binding.params.some((p) => `--${p.flag}` === flag);
    if (!known) throw new UsageError(`option ${flag} does not apply to scenario ${name}`);
  }
  // A model refuses parameters that cannot go together (say, a variant that has no form on a runtime): bad usage.
  try {
    binding.model(variant, params);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const maxWorldsText = options.values.get('--max-worlds');
  const limits = maxWorldsText === undefined ? DEFAULT_EXHAUSTIVE_LIMITS : { ...DEFAULT_EXHAUSTIVE_LIMITS, maxWorlds: integerOption('--max-worlds', maxWorldsText, 1, 50_000_000) };
  if (maxWorldsText !== undefined && strategy !== 'exhaustive') throw new UsageError('--max-worlds applies to --strategy exhaustive only');
  if (strategy === 'exhaustive') {
    for (const flag of ['--runs', '--seed']) if (options.values.has(flag)) throw new UsageError(`${flag} applies to --strategy random or pct, not to exhaustive`);
  }
  if (mermaid && engineWord === 'both') throw new UsageError('--mermaid draws one diagram: give --engine sim or --engine real');
  const engines: EngineName[] = engineWord === 'both' ? ['sim', 'real'] : [engineWord];
  const traceOut = options.values.get('--trace-out') ?? null;
  if (traceOut !== null) assertWritable(engines.length > 1 ? traceOut.replace(/(\.json)?$/, '.sim.json') : traceOut);
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
    if (json) continue;
    if (mermaid) {
      process.stdout.write(`${renderCheckMermaid(result, binding)}\n`);
      continue;
    }
    process.stdout.write(`${renderCheck(result, binding, elapsedMs, traceFile)}\n\n`);
  }
  if (json) process.stdout.write(`${JSON.stringify(results.length === 1 ? jsonOf(results[0]!) : results.map((r) => jsonOf(r)), null, 2)}\n`);
  return exit;
}

/**
 * The scenario judged by one of its properties alone (`--property`): the shortest violation of that property,
 * when a violation of another one comes sooner. no-deadlock is judged as always.
 */
function judgedAlone(binding: ScenarioBinding<never, never>, name: string): ScenarioBinding<never, never> {
  const property = binding.properties.find((p) => p.name === name);
  if (property === undefined) throw new UsageError(`--property must be one of ${binding.properties.map((p) => p.name).join(', ')} (the properties of ${binding.entry.name}), got '${name}'`);
  return { ...binding, properties: [property] };
}

/** Fails early, before a long check, when --trace-out names a place no file can be written to. */
function assertWritable(file: string): void {
  const dir = dirname(file);
  let isDir: boolean;
  try {
    isDir = statSync(dir).isDirectory();
  } catch (error) {
    throw new UsageError(`--trace-out ${file}: cannot write there: ${(error as NodeJS.ErrnoException).code ?? 'no such folder'}`);
  }
  if (!isDir) throw new UsageError(`--trace-out ${file}: ${dir} is not a folder`);
  try {
    if (statSync(file).isDirectory()) throw new UsageError(`--trace-out ${file} is a folder: give a file name`);
  } catch (error) {
    if (error instanceof UsageError) throw error;
  }
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new UsageError(`--trace-out ${file}: the folder ${dir} is not writable`);
  }
}

function jsonOf(result: CheckResult & { elapsedMs?: number }, extra: Record<string, unknown> = {}): Record<string, unknown> {
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
          rows.push(jsonOf({ ...result, elapsedMs }, { expected: documented.expected, matches }));
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
  if (json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  else process.stdout.write(allMatch ? 'every variant behaved as documented on both engines\n' : 'some variants did not behave as documented\n');
  return allMatch ? 0 : 1;
}
