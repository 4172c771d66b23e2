/** The pool scenario bound to both engines: its definition (pool.scenario.ts, free of the real engines) and its real implementation. */
import { openPoolRun } from '../../impl/pool/pool.real-engine.js';
import { openPoolThreadsRun } from '../../impl/pool/pool-threads.real-engine.js';
import type { PoolWorld } from '../../spec/pool/pool.model.js';
import type { PoolObservation } from '../../spec/pool/pool.observation.js';
import type { ScenarioBinding } from '../scenario-binding.js';
import { poolParams, poolRuntime, poolScenario } from './pool.scenario.js';

export { poolParams };

export const poolBinding: ScenarioBinding<PoolWorld, PoolObservation> = {
  ...poolScenario,
  openReal: async (variant, params) => (poolRuntime(variant, params) === 'threads' ? openPoolThreadsRun : openPoolRun)(poolParams(variant, params)),
};
