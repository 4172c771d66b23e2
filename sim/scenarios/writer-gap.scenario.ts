/**
 * The writer-gap scenario (seed 001): its model, its parameters and its properties. The faults are parameters
 * (`--fault write-fails | persist-busy`, `--restart any-time | after-threshold`); the catalogue documents what
 * each does to the variants (properties/catalogue.ts, `alsoUnder`). `--wake poll` swaps the notifier for the
 * waiters' own polling. The model refuses a fault its variant has no code for.
 * Free of the real engines (it runs in the trace viewer too); the binding adds the real engine.
 */
import { findScenario } from '../../properties/catalogue.js';
import { WRITER_GAP_PROPERTIES } from '../../properties/writer-gap.js';
import type { WakeMode } from '../../spec/writer-gap/caller.machine.js';
import type { WriterGapFault, WriterGapParams, WriterGapRestart, WriterGapVariant, WriterGapWorld } from '../../spec/writer-gap/writer-gap.model.js';
import { createWriterGapModel } from '../../spec/writer-gap/writer-gap.model.js';
import type { WriterGapObservation } from '../../spec/writer-gap/writer-gap.observation.js';
import type { ScenarioDefinition } from '../scenario-binding.js';
import { choiceParam, integerParam } from '../scenario-binding.js';
import type { ScenarioParams } from '../trace.js';

const CODE_OF_VARIANT: Readonly<Record<string, WriterGapVariant>> = {
  queued: 'queued',
  'memory-cache': 'memory-cache',
  'db-first': 'db-first',
  persisted: 'persisted',
};

export function writerGapParams(variant: string, params: ScenarioParams): WriterGapParams {
  const code = CODE_OF_VARIANT[variant];
  if (code === undefined) throw new Error(`unknown variant '${variant}' of writer-gap (expected ${Object.keys(CODE_OF_VARIANT).join(', ')})`);
  return {
    variant: code,
    workers: Number(params['workers'] ?? 3),
    fault: String(params['fault'] ?? 'none') as WriterGapFault,
    restart: String(params['restart'] ?? 'at-end') as WriterGapRestart,
    wake: String(params['wake'] ?? 'notifier') as WakeMode,
  };
}

export const writerGapScenario: ScenarioDefinition<WriterGapWorld, WriterGapObservation> = {
  entry: findScenario('writer-gap')!,
  params: [
    integerParam('workers', 'workers', 'workers executing the same operation (one claims it, the others wait); a late reader comes on top', 3, 1, 6),
    choiceParam(
      'fault',
      'fault',
      "none; write-fails: every background INSERT fails with SQLITE_FULL (a full disk); persist-busy (persisted only): every synchronous persist meets another process's write lock held past the busy timeout",
      ['none', 'write-fails', 'persist-busy'],
    ),
    choiceParam(
      'restart',
      'restart',
      "at-end: the process restarts once everybody finished; any-time: it may crash at any step; after-threshold: once everybody finished, and the engine start comes after the 1 h stale-claim threshold (its cleanup marks running rows failed)",
      ['at-end', 'any-time', 'after-threshold'],
    ),
    choiceParam(
      'wake',
      'wake',
      'notifier: waiters register a callback that the notification thread fires (the seed\'s redesign); poll: each waiter polls SELECT status itself',
      ['notifier', 'poll'],
    ),
  ],
  properties: WRITER_GAP_PROPERTIES,
  model: (variant, params) => createWriterGapModel(writerGapParams(variant, params)),
};
