/** The singleton scenario (seed 004): its model, its parameters and its properties. Free of the real engines (it runs in the trace viewer too); the binding adds the real engine. */
import { findScenario } from '../../properties/catalogue.js';
import { SINGLETON_PROPERTIES } from '../../properties/singleton.js';
import type { SingletonGuard, SingletonWorld } from '../../spec/singleton/singleton.model.js';
import { createSingletonModel } from '../../spec/singleton/singleton.model.js';
import type { SingletonObservation } from '../../spec/singleton/singleton.observation.js';
import type { ScenarioDefinition } from '../scenario-binding.js';
import { integerParam } from '../scenario-binding.js';
import type { ScenarioParams } from '../trace.js';

const GUARDS: readonly SingletonGuard[] = ['unguarded', 'locked'];

export function singletonParams(variant: string, params: ScenarioParams): { tasks: number; guard: SingletonGuard } {
  const guard = GUARDS.find((g) => g === variant);
  if (guard === undefined) throw new Error(`unknown variant '${variant}' of singleton (expected ${GUARDS.join(', ')})`);
  return { tasks: Number(params['tasks'] ?? 3), guard };
}

export const singletonScenario: ScenarioDefinition<SingletonWorld, SingletonObservation> = {
  entry: findScenario('singleton')!,
  params: [integerParam('tasks', 'tasks', 'async tasks, each calling the getter once', 3, 1, 6)],
  properties: SINGLETON_PROPERTIES,
  model: (variant, params) => createSingletonModel(singletonParams(variant, params)),
};
