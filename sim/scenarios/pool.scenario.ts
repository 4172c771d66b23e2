/** The pool scenario (seeds 003 and 004): its model, its parameters and its properties. Free of the real engines (it runs in the trace viewer too); the binding adds the real engine. */
import { findScenario } from '../../properties/catalogue.js';
import { POOL_PROPERTIES } from '../../properties/pool.js';
import type { Journal } from '../../spec/sqlite/lock-script.js';
import type { PoolBeginMode } from '../../spec/pool/pool-worker.machine.js';
import type { ConnectionScheme, PoolParams, PoolWorld } from '../../spec/pool/pool.model.js';
import { createPoolModel } from '../../spec/pool/pool.model.js';
import type { PoolObservation } from '../../spec/pool/pool.observation.js';
import { SHARED_ON_THREADS } from '../../impl/pool/shared-on-threads.js';
import type { ScenarioDefinition } from '../scenario-binding.js';
import { choiceParam, integerParam } from '../scenario-binding.js';
import type { ScenarioParams } from '../trace.js';

const VARIANTS: Readonly<Record<string, { readonly scheme: ConnectionScheme; readonly mode: PoolBeginMode }>> = {
  'thread-local': { scheme: 'thread-local', mode: 'immediate' },
  'shared-connection': { scheme: 'shared', mode: 'immediate' },
  'bounded-pool': { scheme: 'pool', mode: 'immediate' },
  'bounded-pool-deferred': { scheme: 'pool', mode: 'deferred' },
};

/** Where the real workers run: async tasks on one event loop, or one worker thread each. The model is the same. */
export type PoolRuntime = 'async' | 'threads';

export function poolRuntime(variant: string, params: ScenarioParams): PoolRuntime {
  const runtime = String(params['runtime'] ?? 'async') === 'threads' ? 'threads' : 'async';
  // Refused for the model too, so that the command line says why before anything runs.
  if (runtime === 'threads' && VARIANTS[variant]?.scheme === 'shared') throw new Error(`--runtime threads: ${SHARED_ON_THREADS}`);
  return runtime;
}

export function poolParams(variant: string, params: ScenarioParams): PoolParams {
  const shape = VARIANTS[variant];
  if (shape === undefined) throw new Error(`unknown variant '${variant}' of pool (expected ${Object.keys(VARIANTS).join(', ')})`);
  poolRuntime(variant, params);
  return {
    workers: Number(params['workers'] ?? 3),
    journal: String(params['journal'] ?? 'delete') as Journal,
    poolSize: Number(params['poolSize'] ?? 2),
    busyTimeoutMs: Number(params['busyTimeoutMs'] ?? 5000),
    ...shape,
  };
}

export const poolScenario: ScenarioDefinition<PoolWorld, PoolObservation> = {
  entry: findScenario('pool')!,
  params: [
    integerParam('workers', 'workers', 'workers (threads or async tasks), each incrementing the counter once', 3, 1, 5),
    choiceParam('journal', 'journal', 'journal mode', ['delete', 'wal']),
    integerParam('poolSize', 'pool-size', "the pool's maximum number of connections (bounded-pool variants)", 2, 1, 5),
    integerParam('busyTimeoutMs', 'busy-timeout', 'busy timeout in virtual ms', 5000, 0, 3_600_000),
    choiceParam('runtime', 'runtime', 'async: workers as async tasks on one thread; threads: one worker thread each, with its own connection(s) (not shared-connection)', ['async', 'threads']),
  ],
  properties: POOL_PROPERTIES,
  model: (variant, params) => createPoolModel(poolParams(variant, params)),
};
