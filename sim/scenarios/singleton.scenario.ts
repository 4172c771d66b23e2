/** The singleton scenario (seed 004): its model, its parameters and its properties. Free of the real engines (it runs in the trace viewer too); the binding adds the real engine. */
import { findScenario } from '../../properties/catalogue.js';
import { SINGLETON_PROPERTIES } from '../../properties/singleton.js';
import type { GetterBody, GetterLock, SingletonGuard, SingletonParams, SingletonRuntime, SingletonWorld } from '../../spec/singleton/singleton.model.js';
import { createSingletonModel } from '../../spec/singleton/singleton.model.js';
import type { SingletonObservation } from '../../spec/singleton/singleton.observation.js';
import type { ScenarioDefinition } from '../scenario-binding.js';
import { choiceParam, integerParam } from '../scenario-binding.js';
import type { ScenarioParams } from '../trace.js';

/** The variants: lockstep's awaited getter, and upstream's synchronous one; bare or under a lock. */
const VARIANTS: Readonly<Record<string, { readonly guard: SingletonGuard; readonly body: GetterBody; readonly lock: GetterLock }>> = {
  unguarded: { guard: 'unguarded', body: 'awaited', lock: 'asyncio' },
  locked: { guard: 'locked', body: 'awaited', lock: 'asyncio' },
  'sync-unguarded': { guard: 'unguarded', body: 'sync', lock: 'asyncio' },
  'sync-asyncio-lock': { guard: 'locked', body: 'sync', lock: 'asyncio' },
  'sync-thread-lock': { guard: 'locked', body: 'sync', lock: 'thread' },
};

export function singletonParams(variant: string, params: ScenarioParams): Required<SingletonParams> {
  const shape = VARIANTS[variant];
  if (shape === undefined) throw new Error(`unknown variant '${variant}' of singleton (expected ${Object.keys(VARIANTS).join(', ')})`);
  const runtime: SingletonRuntime = String(params['runtime'] ?? 'async') === 'threads' ? 'threads' : 'async';
  return { tasks: Number(params['tasks'] ?? 3), ...shape, runtime };
}

export const singletonScenario: ScenarioDefinition<SingletonWorld, SingletonObservation> = {
  entry: findScenario('singleton')!,
  params: [
    integerParam('tasks', 'tasks', 'callers, each calling the getter once', 3, 1, 6),
    choiceParam('runtime', 'runtime', 'async: tasks on one event loop; threads: worker threads, each with its own event loop (upstream getter only)', ['async', 'threads']),
  ],
  properties: SINGLETON_PROPERTIES,
  model: (variant, params) => createSingletonModel(singletonParams(variant, params)),
};
