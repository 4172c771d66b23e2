/**
 * `lockstep barrier`: the truly concurrent reproduction of the Actifix post-mortem (seed 002). N worker threads,
 * each with its own connection and a real busy timeout, released together by an Atomics barrier, each
 * acquiring its own ticket in a DEFERRED or IMMEDIATE transaction. Exit 0 when every worker acquired its ticket
 * in every run (every-worker-acquires held), 1 when some run broke it (the seed's bug, reproduced), 2 on bad usage.
 */
import { parseArgs } from 'node:util';
import { renderBarrier, runBarrier, type BarrierJournal, type BarrierMode } from '../../../impl/barrier/index.js';
import { integerIn } from '../command-options.js';
import { UsageError } from '../usage-error.js';
import type { Command } from './command.js';

const SYNOPSIS =
  'barrier --workers N --mode deferred|immediate [--journal delete|wal] [--runs R] [--timeout MS] [--no-hold] [--json]';
const ACCEPTED =
  '--workers 1..8, --mode deferred|immediate, --journal delete|wal, --runs 1..1000, --timeout 0..600000, --no-hold, --json';

export const BARRIER_DEFAULT_RUNS = 5;

export interface BarrierCommandOptions {
  readonly workers: number;
  readonly mode: BarrierMode;
  readonly journal: BarrierJournal;
  readonly runs: number;
  readonly busyTimeoutMs: number;
  readonly holdAfterRead: boolean;
  readonly json: boolean;
}


function oneOf<T extends string>(name: string, raw: string | undefined, accepted: readonly T[], fallback?: T): T {
  if (raw === undefined) {
    if (fallback === undefined) throw new UsageError(`--${name} is required (${accepted.join(' or ')})`);
    return fallback;
  }
  if (!(accepted as readonly string[]).includes(raw)) {
    throw new UsageError(`--${name} must be ${accepted.join(' or ')}, got '${raw}'`);
  }
  return raw as T;
}

/** Parses the arguments after `barrier`; any problem is a UsageError with a one-line message. */
export function parseBarrierArgs(argv: readonly string[]): BarrierCommandOptions {
  let values: {
    workers?: string;
    mode?: string;
    journal?: string;
    runs?: string;
    timeout?: string;
    'no-hold'?: boolean;
    json?: boolean;
  };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        workers: { type: 'string' },
        mode: { type: 'string' },
        journal: { type: 'string' },
        runs: { type: 'string' },
        timeout: { type: 'string' },
        'no-hold': { type: 'boolean' },
        json: { type: 'boolean' },
      },
    }));
  } catch (error) {
    const first = (error instanceof Error ? error.message : String(error)).split('\n')[0]!.replace(/\.\s.*$/, '.');
    throw new UsageError(`${first.replace(/\.$/, '')}; accepted: ${ACCEPTED}`);
  }
  return {
    workers: integerIn('workers', values.workers, 1, 8),
    mode: oneOf<BarrierMode>('mode', values.mode, ['deferred', 'immediate']),
    journal: oneOf<BarrierJournal>('journal', values.journal, ['delete', 'wal'], 'delete'),
    runs: integerIn('runs', values.runs, 1, 1000, BARRIER_DEFAULT_RUNS),
    busyTimeoutMs: integerIn('timeout', values.timeout, 0, 600_000, 5000),
    holdAfterRead: values['no-hold'] !== true,
    json: values.json === true,
  };
}

export const barrierCommand: Command = {
  name: 'barrier',
  synopsis: SYNOPSIS,
  async run(argv: readonly string[]): Promise<number> {
    const options = parseBarrierArgs(argv);
    const result = await runBarrier({
      workers: options.workers,
      mode: options.mode,
      journal: options.journal,
      runs: options.runs,
      busyTimeoutMs: options.busyTimeoutMs,
      holdAfterRead: options.holdAfterRead,
    });
    process.stdout.write(options.json ? `${JSON.stringify(result, null, 2)}\n` : renderBarrier(result));
    return result.summary.runsAllAcquired === result.summary.runs ? 0 : 1;
  },
};
