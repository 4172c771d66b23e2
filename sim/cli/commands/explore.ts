/**
 * `lockstep explore FILE [--scenario NAME] [--strategy exhaustive|random|pct] [--runs N] [--seed S]
 * [--max-schedules N] [--replay TOKEN] [--json]`: explores the scenarios a user's module exports (made with
 * defineScenario) with the same strategies and exit codes as `check`: 0 every scenario holds, 1 a violation, a
 * search that reached its bound (nothing proven) or a fault in the user's code, 2 bad usage (a file that cannot be
 * imported, no scenario in it, a replay token that does not fit). The report of each is the one explore() gives.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ScenarioDefinition } from '../../../impl/runtime/scenario-definition.js';
import { explore, type ExploreResult } from '../../explore/explore.js';
import { parseReplayToken, ReplayTokenError, checkTokenFits } from '../../explore/replay-token.js';
import { exhaustive, pct, random } from '../../explore/strategy-factories.js';
import { ReplayScheduleStrategy, ScheduleDoesNotFit } from '../../explore/strategies/replay-schedule-strategy.js';
import type { Strategy } from '../../strategies/strategy.js';
import { UsageError } from '../usage-error.js';
import { defineCommand } from '../options/command.js';
import { choice, integer, text } from '../options/option.js';
import { jsonOption, seedOption } from '../options/shared-options.js';
import { printJson } from '../json-envelope.js';

const isScenario = (value: unknown): value is ScenarioDefinition =>
  typeof value === 'object' && value !== null && typeof (value as ScenarioDefinition).name === 'string' && ((value as ScenarioDefinition).runtime === 'async' || (value as ScenarioDefinition).runtime === 'threads') && typeof (value as ScenarioDefinition).actors === 'object';

const EXPLORE_OPTIONS = {
  scenario: text('the exported scenario to explore; without it, every scenario the module exports', 'NAME', 'the name given to defineScenario'),
  strategy: choice('how schedules are chosen', ['exhaustive', 'random', 'pct'] as const, { default: 'exhaustive' }),
  runs: integer('schedules to try (random and pct only)', 'N', 1, 1_000_000, { default: 200 }),
  seed: seedOption('the seed of the random choices (random and pct only)', 1),
  'max-schedules': integer('the most schedules exhaustive may run; reaching it proves nothing', 'N', 1, 10_000_000, { default: 20_000 }),
  replay: text('rerun exactly the schedule of a replay token (one scenario)', 'TOKEN', 'a token printed by explore() or by this command'),
  json: jsonOption,
} as const;

export const exploreCommand = defineCommand({
  name: 'explore',
  summary: 'explore your own code: the scenarios a module exports (made with defineScenario), with check\'s strategies and exit codes',
  positionals: { name: 'FILE', describe: 'a .js module that exports scenarios made with defineScenario', min: 1, max: 1 },
  options: EXPLORE_OPTIONS,
  notes: ['exit 0 when every scenario holds, 1 on a violation, a bound reached or a fault in the user\'s code, 2 on bad usage (a module that cannot be imported, no scenario, a replay token that does not fit)'],
  examples: ['lockstep explore dist/tickets.scenario.js', "lockstep explore dist/tickets.scenario.js --scenario tickets-deferred --replay 'ls1:...'"],
  async run({ positionals, values, given }) {
    const file = positionals[0]!;
    let module: Record<string, unknown>;
    try {
      module = (await import(pathToFileURL(resolve(file)).href)) as Record<string, unknown>;
    } catch (error) {
      throw new UsageError(`cannot import ${file}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    }
    let scenarios = Object.values(module).filter(isScenario);
    if (scenarios.length === 0) throw new UsageError(`${file} exports no scenario (export the results of defineScenario)`);
    const wanted = values.scenario;
    if (wanted !== undefined) {
      scenarios = scenarios.filter((s) => s.name === wanted);
      if (scenarios.length === 0) throw new UsageError(`${file} exports no scenario named '${wanted}' (it has: ${Object.values(module).filter(isScenario).map((s) => s.name).join(', ')})`);
    }
    const strategyName = values.strategy;
    const { runs, seed } = values;
    const maxSchedules = values['max-schedules'];
    if (strategyName === 'exhaustive') {
      for (const name of ['runs', 'seed'] as const) if (given.has(name)) throw new UsageError(`--${name} applies to --strategy random or pct, not to exhaustive`);
    }
    const token = values.replay;
    const strategyFor = (scenario: ScenarioDefinition): Strategy => {
      if (token !== undefined) {
        try {
          const parsed = parseReplayToken(token);
          checkTokenFits(parsed, scenario.name, Object.keys(scenario.actors).length, scenario.journal ?? 'delete', scenario.busyTimeoutMs ?? 5000);
          return new ReplayScheduleStrategy(parsed.schedule);
        } catch (error) {
          if (error instanceof ReplayTokenError) throw new UsageError(error.message);
          throw error;
        }
      }
      switch (strategyName) {
        case 'exhaustive':
          return exhaustive({ maxSchedules });
        case 'random':
          return random({ runs, seed });
        case 'pct':
          return pct({ runs, seed });
      }
    };
    if (token !== undefined && scenarios.length > 1) throw new UsageError('--replay replays one scenario: name it with --scenario');
    const results: ExploreResult[] = [];
    for (const scenario of scenarios) {
      try {
        results.push(await explore(scenario, { strategy: strategyFor(scenario), useReplayEnv: token === undefined }));
      } catch (error) {
        if (error instanceof ReplayTokenError || error instanceof ScheduleDoesNotFit) throw new UsageError(error.message);
        throw error;
      }
    }
    if (values.json) {
      printJson('explore', { scenarios: results.map(({ report: _report, ...rest }) => rest) });
    } else {
      process.stdout.write(results.map((r) => r.report).join('\n\n') + '\n');
      for (const r of results) {
        if (r.replayToken !== null && r.verdict !== 'holds') process.stdout.write(`reproduce: lockstep explore ${file} --scenario ${r.scenario} --replay '${r.replayToken}'\n`);
      }
    }
    return results.every((r) => r.verdict === 'holds') ? 0 : 1;
  },
});
