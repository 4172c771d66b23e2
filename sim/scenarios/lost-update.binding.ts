/** The lost-update scenario bound to both engines: its definition (lost-update.scenario.ts, free of the real engines) and its real implementation. */
import { openLostUpdateRun } from '../../impl/lost-update/lost-update.real-engine.js';
import { openLostUpdateThreadsRun } from '../../impl/lost-update/lost-update-threads.real-engine.js';
import type { LostUpdateWorld } from '../../spec/lost-update/lost-update.model.js';
import type { LostUpdateObservation } from '../../spec/lost-update/lost-update.observation.js';
import type { ScenarioBinding } from '../scenario-binding.js';
import { lostUpdateParams, lostUpdateScenario } from './lost-update.scenario.js';

export { lostUpdateParams };

export const lostUpdateBinding: ScenarioBinding<LostUpdateWorld, LostUpdateObservation> = {
  ...lostUpdateScenario,
  openReal: (variant, params) => {
    const options = lostUpdateParams(variant, params);
    return options.runtime === 'threads' ? openLostUpdateThreadsRun(options) : openLostUpdateRun(options);
  },
};
