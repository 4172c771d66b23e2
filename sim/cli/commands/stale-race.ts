/**
 * `lockstep stale-race`: the truly concurrent reproduction of the stale-lock race (seed 003, bolt). Real
 * contender processes, no gates, released together onto a lock file left by a process killed with SIGKILL;
 * see impl/stale-lock/stale-lock.race.ts. Exit 1 when some run had two holders at once (mutual exclusion
 * violated), 0 when none did, 2 on bad usage.
 */
import { parseArgs } from 'node:util';
import { renderStaleLockRace, runStaleLockRace } from '../../../impl/stale-lock/stale-lock.race.js';
import type { StaleLockVariant } from '../../../impl/stale-lock/pid-lock-file.js';
import { integerIn } from '../command-options.js';
import { UsageError } from '../usage-error.js';
import type { Command } from './command.js';

const SYNOPSIS =
  'stale-race --variant check-then-remove|tombstone [--runs N] [--contenders N] [--tries N] [--backoff-ms MS] [--jitter-us US] [--json]';
const ACCEPTED =
  '--variant check-then-remove|tombstone, --runs 1..100000, --contenders 2..4, --tries 1..5, --backoff-ms 0..1000, --jitter-us 0..100000, --json';

export interface StaleRaceOptions {
  readonly variant: StaleLockVariant;
  readonly runs: number;
  readonly contenders: number;
  readonly maxTries: number;
  readonly backoffMs: number;
  readonly jitterUs: number;
  readonly json: boolean;
}


/** Parses the arguments after `stale-race`; any problem is a UsageError with a one-line message. */
export function parseStaleRaceArgs(argv: readonly string[]): StaleRaceOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        variant: { type: 'string' },
        runs: { type: 'string' },
        contenders: { type: 'string' },
        tries: { type: 'string' },
        'backoff-ms': { type: 'string' },
        'jitter-us': { type: 'string' },
        json: { type: 'boolean' },
      },
    }));
  } catch (error) {
    const first = (error instanceof Error ? error.message : String(error)).split('\n')[0]!.replace(/\.\s.*$/, '').replace(/\.$/, '');
    throw new UsageError(`${first}; accepted: ${ACCEPTED}`);
  }
  const variant = values['variant'];
  if (variant !== 'check-then-remove' && variant !== 'tombstone') {
    throw new UsageError(variant === undefined ? '--variant is required (check-then-remove or tombstone)' : `--variant must be check-then-remove or tombstone, got '${String(variant)}'`);
  }
  const text = (name: string): string | undefined => values[name] as string | undefined;
  return {
    variant,
    runs: integerIn('runs', text('runs'), 1, 100_000, 100),
    contenders: integerIn('contenders', text('contenders'), 2, 4, 2),
    maxTries: integerIn('tries', text('tries'), 1, 5, 2),
    backoffMs: integerIn('backoff-ms', text('backoff-ms'), 0, 1000, 1),
    jitterUs: integerIn('jitter-us', text('jitter-us'), 0, 100_000, 0),
    json: values['json'] === true,
  };
}

export const staleRaceCommand: Command = {
  name: 'stale-race',
  synopsis: SYNOPSIS,
  async run(argv: readonly string[]): Promise<number> {
    const options = parseStaleRaceArgs(argv);
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
    process.stdout.write(options.json ? `${JSON.stringify(result, null, 2)}\n` : renderStaleLockRace(result));
    if (!options.json && result.twoHolders > 0) {
      // A free race is not a schedule: it cannot be replayed, only run again; the lock-step check replays one.
      const again = `lockstep stale-race ${argv.filter((a) => a !== '--json').join(' ')}`;
      process.stdout.write(`run again: ${again}\nreplay a schedule that breaks it: lockstep check stale-lock --variant ${options.variant} --engine both --contenders ${options.contenders} --tries ${options.maxTries}\n`);
    }
    return result.twoHolders > 0 ? 1 : 0;
  },
};
