/**
 * `lockstep stale-race`: the truly concurrent reproduction of the stale-lock race (seed 003, bolt). Real
 * contender processes, no gates, released together onto a lock file left by a process killed with SIGKILL;
 * see impl/stale-lock/stale-lock.race.ts. Exit 1 when some run had two holders at once (mutual exclusion
 * violated), 0 when none did, 2 on bad usage.
 */
import { renderStaleLockRace, runStaleLockRace } from '../../../impl/stale-lock/stale-lock.race.js';
import type { StaleLockVariant } from '../../../impl/stale-lock/pid-lock-file.js';
import { staleLockBinding } from '../../scenarios/stale-lock.binding.js';
import { defineCommand, type ParsedArgs } from '../options/command.js';
import { choice, integer, type IntegerOption } from '../options/option.js';
import { freeRunsOption, jsonOption } from '../options/shared-options.js';
import { parseCommandLine } from '../options/parse-command-line.js';
import { printJson } from '../json-envelope.js';

/** The stale-lock scenario's own parameter, so that --contenders and --tries accept what check accepts. */
function staleLockParam(name: string): IntegerOption & { default: number } {
  const spec = staleLockBinding.params.find((p) => p.name === name);
  if (spec === undefined || spec.option.kind !== 'integer') throw new Error(`the stale-lock binding has no integer parameter ${name}`);
  return spec.option as IntegerOption & { default: number };
}

const STALE_RACE_OPTIONS = {
  variant: choice('the lock code that races', ['check-then-remove', 'tombstone'] as const, { required: true }),
  runs: freeRunsOption(100),
  contenders: staleLockParam('contenders'),
  tries: staleLockParam('maxTries'),
  'backoff-ms': integer('the sleep between two tries of one contender, in ms', 'MS', 0, 1000, { default: 1 }),
  'jitter-us': integer('each contender waits a random time up to this after the release, in microseconds', 'US', 0, 100_000, { default: 0 }),
  json: jsonOption,
} as const;

export interface StaleRaceOptions {
  readonly variant: StaleLockVariant;
  readonly runs: number;
  readonly contenders: number;
  readonly maxTries: number;
  readonly backoffMs: number;
  readonly jitterUs: number;
  readonly json: boolean;
}

function staleRaceOptions({ values }: ParsedArgs<typeof STALE_RACE_OPTIONS>): StaleRaceOptions {
  return {
    variant: values.variant,
    runs: values.runs,
    contenders: values.contenders,
    maxTries: values.tries,
    backoffMs: values['backoff-ms'],
    jitterUs: values['jitter-us'],
    json: values.json,
  };
}

/** Parses the arguments after `stale-race`; any problem is a UsageError with a one-line message. */
export function parseStaleRaceArgs(argv: readonly string[]): StaleRaceOptions {
  return staleRaceOptions(parseCommandLine(staleRaceCommand.declaration(), argv) as unknown as ParsedArgs<typeof STALE_RACE_OPTIONS>);
}

export const staleRaceCommand = defineCommand({
  name: 'stale-race',
  summary: 'the truly concurrent stale-lock race: real processes released together onto a lock left by a killed process',
  options: STALE_RACE_OPTIONS,
  notes: ['exit 1 when some run had two holders at once (mutual-exclusion violated), 0 when none did'],
  examples: ['lockstep stale-race --variant check-then-remove --runs 100 --jitter-us 2000'],
  async run(args) {
    const options = staleRaceOptions(args);
    const argv = args.argv;
    const result = await runStaleLockRace({
      variant: options.variant,
      contenders: options.contenders,
      maxTries: options.maxTries,
      runs: options.runs,
      backoffMs: options.backoffMs,
      jitterUs: options.jitterUs,
      onRun: (done) => {
        if (options.runs >= 500 && done % 250 === 0 && done < options.runs) process.stderr.write(`stale-race: ${done}/${options.runs} runs\n`);
      },
    });
    if (options.json) printJson('stale-race', result);
    else process.stdout.write(renderStaleLockRace(result));
    if (!options.json && result.twoHolders === 0 && result.bothSawStale === 0) {
      // As check warns of a hold that never met its race: no run had two contenders read the dead pid.
      process.stdout.write(`warning: the dangerous window was never reached (${options.contenders === 1 ? 'one contender has no rival' : 'no two contenders read the dead pid at once'}), so these runs show nothing about the race\n`);
    }
    if (!options.json && result.twoHolders > 0) {
      // A free race is not a schedule: it cannot be replayed, only run again; the lock-step check replays one.
      const again = `lockstep stale-race ${argv.filter((a) => a !== '--json').join(' ')}`;
      process.stdout.write(`run again: ${again}\nreplay a schedule that breaks it: lockstep check stale-lock --variant ${options.variant} --engine both --contenders ${options.contenders} --tries ${options.maxTries}\n`);
    }
    return result.twoHolders > 0 ? 1 : 0;
  },
});
