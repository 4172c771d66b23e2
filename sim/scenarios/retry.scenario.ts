/** The retry scenario (seeds 003 and 004): its model, its parameters and its properties. Free of the real engines (it runs in the trace viewer too); the binding adds the real engine. */
import { findScenario } from '../../properties/catalogue.js';
import { RETRY_PROPERTIES } from '../../properties/retry.js';
import type { Journal } from '../../spec/sqlite/lock-script.js';
import type { RetryBeginMode, RetryPolicy } from '../../spec/retry/retry-worker.machine.js';
import type { RetryParams, RetryTiming, RetryWorld } from '../../spec/retry/retry.model.js';
import { createRetryModel } from '../../spec/retry/retry.model.js';
import type { RetryObservation } from '../../spec/retry/retry.observation.js';
import type { ScenarioDefinition } from '../scenario-binding.js';
import { choiceParam, integerParam } from '../scenario-binding.js';
import type { ScenarioParams } from '../trace.js';

const VARIANTS: Readonly<Record<string, { readonly mode: RetryBeginMode; readonly policy: RetryPolicy }>> = {
  'retry-statement': { mode: 'deferred', policy: 'statement' },
  'retry-transaction': { mode: 'deferred', policy: 'transaction' },
  immediate: { mode: 'immediate', policy: 'none' },
};

export function retryParams(variant: string, params: ScenarioParams): RetryParams {
  const shape = VARIANTS[variant];
  if (shape === undefined) throw new Error(`unknown variant '${variant}' of retry (expected ${Object.keys(VARIANTS).join(', ')})`);
  return {
    workers: Number(params['workers'] ?? 2),
    journal: String(params['journal'] ?? 'delete') as Journal,
    maxAttempts: Number(params['maxAttempts'] ?? 3),
    baseDelayMs: Number(params['baseDelayMs'] ?? 10),
    jitterSeed: Number(params['jitterSeed'] ?? 1),
    busyTimeoutMs: Number(params['busyTimeoutMs'] ?? 5000),
    timing: String(params['timing'] ?? 'zero-time') as RetryTiming,
    ...shape,
  };
}

export const retryScenario: ScenarioDefinition<RetryWorld, RetryObservation> = {
  entry: findScenario('retry')!,
  params: [
    integerParam('workers', 'workers', 'workers, each incrementing the counter once', 2, 1, 4),
    choiceParam('journal', 'journal', 'journal mode', ['delete', 'wal']),
    integerParam('maxAttempts', 'attempts', 'the retry budget: attempts of one unit, the first included', 3, 1, 8),
    integerParam('baseDelayMs', 'backoff-ms', 'the first backoff delay in virtual ms (doubles per retry, plus jitter up to one base)', 10, 0, 60_000),
    integerParam('jitterSeed', 'jitter-seed', 'seeds the backoff jitter (one stream per worker)', 1, 0, 0x7fffffff),
    integerParam('busyTimeoutMs', 'busy-timeout', 'busy timeout in virtual ms', 5000, 0, 3_600_000),
    choiceParam('timing', 'timing', 'zero-time: statements are fast next to a backoff sleep; untimed: a sleeper may wake at any moment', ['zero-time', 'untimed']),
  ],
  properties: RETRY_PROPERTIES,
  model: (variant, params) => createRetryModel(retryParams(variant, params)),
};
