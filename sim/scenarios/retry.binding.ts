/** The retry scenario bound to both engines: its definition (retry.scenario.ts, free of the real engines) and its real implementation. */
import { openRetryRun } from '../../impl/retry/retry.real-engine.js';
import type { RetryWorld } from '../../spec/retry/retry.model.js';
import type { RetryObservation } from '../../spec/retry/retry.observation.js';
import type { ScenarioBinding } from '../scenario-binding.js';
import { retryParams, retryScenario } from './retry.scenario.js';

export { retryParams };

export const retryBinding: ScenarioBinding<RetryWorld, RetryObservation> = {
  ...retryScenario,
  openReal: (variant, params) => openRetryRun(retryParams(variant, params)),
};
