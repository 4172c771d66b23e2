/** The singleton scenario bound to both engines: its definition (singleton.scenario.ts, free of the real engines) and its real implementation. */
import { openSingletonRun } from '../../impl/singleton/singleton.real-engine.js';
import { openSingletonThreadsRun } from '../../impl/singleton/singleton-threads.real-engine.js';
import type { SingletonWorld } from '../../spec/singleton/singleton.model.js';
import type { SingletonObservation } from '../../spec/singleton/singleton.observation.js';
import type { ScenarioBinding } from '../scenario-binding.js';
import { singletonParams, singletonScenario } from './singleton.scenario.js';

export { singletonParams };

export const singletonBinding: ScenarioBinding<SingletonWorld, SingletonObservation> = {
  ...singletonScenario,
  openReal: (variant, params) => {
    const p = singletonParams(variant, params);
    return p.runtime === 'threads' ? openSingletonThreadsRun({ tasks: p.tasks, lock: p.guard === 'unguarded' ? 'none' : p.lock }) : openSingletonRun(p);
  },
};
