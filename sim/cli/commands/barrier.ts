/**
 * `lockstep barrier`: the truly concurrent reproduction of the Actifix post-mortem (seed 002). N worker threads,
 * each with its own connection and a real busy timeout, released together by an Atomics barrier, each
 * acquiring its own ticket in a DEFERRED or IMMEDIATE transaction. Exit 0 when every worker acquired its ticket
 * in every run (every-worker-acquires held), 1 when some run broke it (the seed's bug, reproduced), 2 on bad usage.
 */
import { renderBarrier, runBarrier, type BarrierJournal, type BarrierMode } from '../../../impl/barrier/index.js';
import { ticketsBinding } from '../../scenarios/tickets.binding.js';
import { defineCommand, type ParsedArgs } from '../options/command.js';
import { choice, flag } from '../options/option.js';
import { freeRunsOption, journalOption, jsonOption } from '../options/shared-options.js';
import { parseCommandLine } from '../options/parse-command-line.js';
import { printJson } from '../json-envelope.js';

export const BARRIER_DEFAULT_RUNS = 5;

/** The tickets scenario's own parameter, so that --workers and --busy-timeout accept what check accepts. */
function ticketsParam(name: string) {
  const spec = ticketsBinding.params.find((p) => p.name === name);
  if (spec === undefined) throw new Error(`the tickets binding has no parameter ${name}`);
  return spec.option;
}

const BARRIER_OPTIONS = {
  workers: { ...ticketsParam('workers'), describe: 'worker threads, one ticket each', default: undefined, required: true },
  mode: choice('the transaction each worker opens', ['deferred', 'immediate'] as const, { required: true }),
  journal: journalOption('journal mode', 'delete'),
  runs: freeRunsOption(BARRIER_DEFAULT_RUNS),
  'busy-timeout': { ...ticketsParam('busyTimeoutMs'), describe: 'the real busy timeout of every connection, in ms' },
  'no-hold': flag('let each worker go on at once after its read instead of holding its read transaction open briefly'),
  json: jsonOption,
} as const;

export interface BarrierCommandOptions {
  readonly workers: number;
  readonly mode: BarrierMode;
  readonly journal: BarrierJournal;
  readonly runs: number;
  readonly busyTimeoutMs: number;
  readonly holdAfterRead: boolean;
  readonly json: boolean;
}

function barrierOptions({ values }: ParsedArgs<typeof BARRIER_OPTIONS>): BarrierCommandOptions {
  return {
    workers: values.workers as number,
    mode: values.mode,
    journal: values.journal,
    runs: values.runs,
    busyTimeoutMs: values['busy-timeout'] as number,
    holdAfterRead: !values['no-hold'],
    json: values.json,
  };
}

export const barrierCommand = defineCommand({
  name: 'barrier',
  summary: 'the truly concurrent tickets race: worker threads with a real busy timeout, released together by an Atomics barrier',
  options: BARRIER_OPTIONS,
  notes: ['exit 0 when every worker acquired its ticket in every run, 1 when some run broke every-worker-acquires (the seed\'s bug, reproduced)'],
  examples: ['lockstep barrier --workers 3 --mode deferred --runs 20'],
  async run(args) {
    const options = barrierOptions(args);
    const result = await runBarrier({
      workers: options.workers,
      mode: options.mode,
      journal: options.journal,
      runs: options.runs,
      busyTimeoutMs: options.busyTimeoutMs,
      holdAfterRead: options.holdAfterRead,
    });
    if (options.json) printJson('barrier', result);
    else process.stdout.write(renderBarrier(result));
    return result.summary.runsAllAcquired === result.summary.runs ? 0 : 1;
  },
});

/** The arguments after `barrier` as the command reads them; any problem is a UsageError with a one-line message. */
export function parseBarrierArgs(argv: readonly string[]): BarrierCommandOptions {
  return barrierOptions(parseCommandLine(barrierCommand.declaration(), argv) as unknown as ParsedArgs<typeof BARRIER_OPTIONS>);
}
