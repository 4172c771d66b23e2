/** The lifecycle scenario bound to both engines: its definition (lifecycle.scenario.ts, free of the real engines) and its real implementation. */
import { openLifecycleRun } from '../../impl/lifecycle/lifecycle.real-engine.js';
import type { LifecycleWorld } from '../../spec/lifecycle/lifecycle.model.js';
import type { LifecycleObservation } from '../../spec/lifecycle/lifecycle.observation.js';
import type { ScenarioBinding } from '../scenario-binding.js';
import { lifecycleParams, lifecycleScenario } from './lifecycle.scenario.js';

export { lifecycleParams };

export const lifecycleBinding: ScenarioBinding<LifecycleWorld, LifecycleObservation> = {
  ...lifecycleScenario,
  openReal: (variant, params) => openLifecycleRun(lifecycleParams(variant, params)),
};
