/** The stale-lock scenario bound to both engines: its definition (stale-lock.scenario.ts, free of the real engines) and its real implementation. */
import { openStaleLockRun } from '../../impl/stale-lock/stale-lock.real-engine.js';
import type { StaleLockWorld } from '../../spec/stale-lock/stale-lock.model.js';
import type { StaleLockObservation } from '../../spec/stale-lock/stale-lock.observation.js';
import type { ScenarioBinding } from '../scenario-binding.js';
import { staleLockParams, staleLockScenario } from './stale-lock.scenario.js';

export { staleLockParams };

export const staleLockBinding: ScenarioBinding<StaleLockWorld, StaleLockObservation> = {
  ...staleLockScenario,
  openReal: (variant, params) => openStaleLockRun(staleLockParams(variant, params)),
};
