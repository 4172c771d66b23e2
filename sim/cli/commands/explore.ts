/**
 * `lockstep explore FILE [--scenario NAME] [--strategy exhaustive|random|pct] [--runs N] [--seed S]
 * [--max-schedules N] [--replay TOKEN] [--json]`: explores the scenarios a user's module exports (made with
 * defineScenario) with the same strategies and exit codes as `check`: 0 every scenario holds, 1 a violation, a
 * search that reached its bound (nothing proven) or a fault in the user's code, 2 bad usage (a file that cannot be
 * imported, no scenario in it, a replay token that does not fit). The report of each is the one explore() gives.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { clockPlanOf } from '../../../impl/runtime/clock-plan.js';
import type { ScenarioDefinition } from '../../../impl/runtime/scenario-definition.js';
import { explore, type ExploreResult } from '../../explore/explore.js';
import { parseReplayToken, ReplayTokenError, checkTokenFits } from '../../explore/replay-token.js';
import { exhaustive, pct, random } from '../../explore/strategy-factories.js';
import { ReplayScheduleStrategy, ScheduleDoesNotFit } from '../../explore/strategies/replay-schedule-strategy.js';
import type { Strategy } from '../../strategies/strategy.js';
import { choiceOption, integerIn, parseOptions } from '../command-options.js';
import { UsageError } from '../usage-error.js';
import type { Command } from './command.js';

const isScenario = (value: unknown): value is ScenarioDefinition =>
  typeof value === 'object' && value !== null && typeof (value as ScenarioDefinition).name === 'string' && ((value as ScenarioDefinition).runtime === 'async' || (value as ScenarioDefinition).runtime === 'threads') && typeof (value as ScenarioDefinition).actors === 'object';

export const exploreCommand: Command = {
  name: 'explore',
  synopsis: 'explore FILE [--scenario NAME] [--strategy exhaustive|random|pct] [--runs N] [--seed S] [--max-schedules N] [--replay TOKEN] [--json]   explore your own code (scenarios made with defineScenario)',
  async run(argv) {
    const options = parseOptions(argv, {
      flags: ['--json'],
      values: { '--scenario': 'a scenario name', '--strategy': 'exhaustive, random or pct', '--runs': 'a positive integer', '--seed': 'an integer', '--max-schedules': 'a positive integer', '--replay': 'a replay token' },
    });
    const [file, ...extra] = options.positionals;
    if (file === undefined || extra.length > 0) throw new UsageError('give exactly one scenario module (a .js file that exports scenarios made with defineScenario)');
    let module: Record<string, unknown>;
    try {
      module = (await import(pathToFileURL(resolve(file)).href)) as Record<string, unknown>;
    } catch (error) {
      throw new UsageError(`cannot import ${file}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    }
    let scenarios = Object.values(module).filter(isScenario);
    if (scenarios.length === 0) throw new UsageError(`${file} exports no scenario (export the results of defineScenario)`);
    const wanted = options.values.get('--scenario');
    if (wanted !== undefined) {
      scenarios = scenarios.filter((s) => s.name === wanted);
      if (scenarios.length === 0) throw new UsageError(`${file} exports no scenario named '${wanted}' (it has: ${Object.values(module).filter(isScenario).map((s) => s.name).join(', ')})`);
    }
    const strategyName = choiceOption('--strategy', options.values.get('--strategy') ?? 'exhaustive', ['exhaustive', 'random', 'pct'] as const);
    const runs = integerIn('--runs', options.values.get('--runs'), 1, 1_000_000, 200);
    const seed = integerIn('--seed', options.values.get('--seed'), -2_147_483_648, 2_147_483_647, 1);
    const maxSchedules = integerIn('--max-schedules', options.values.get('--max-schedules'), 1, 10_000_000, 20_000);
    const token = options.values.get('--replay');
    const strategyFor = (scenario: ScenarioDefinition): Strategy => {
      if (token !== undefined) {
        try {
          const parsed = parseReplayToken(token);
          checkTokenFits(parsed, scenario.name, Object.keys(scenario.actors).length, scenario.journal ?? 'delete', scenario.busyTimeoutMs ?? 5000, clockPlanOf(scenario.clock));
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
    if (options.flags.has('--json')) {
      process.stdout.write(`${JSON.stringify(results.map(({ report: _report, ...rest }) => rest), null, 2)}\n`);
    } else {
      process.stdout.write(results.map((r) => r.report).join('\n\n') + '\n');
      for (const r of results) {
        if (r.replayToken !== null && r.verdict !== 'holds') process.stdout.write(`reproduce: lockstep explore ${file} --scenario ${r.scenario} --replay '${r.replayToken}'\n`);
      }
    }
    return results.every((r) => r.verdict === 'holds') ? 0 : 1;
  },
};
