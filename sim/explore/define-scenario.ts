/**
 * `defineScenario`: the public way to describe the user's code to lockstep (see
 * impl/runtime/scenario-definition.ts for every field). A threads scenario is registered under its module's URL
 * and name, so that each worker thread finds it again after importing the module.
 */
import {
  registerThreadsScenario,
  type AsyncScenarioDefinition,
  type ScenarioDefinition,
  type ThreadsScenarioDefinition,
} from '../../impl/runtime/scenario-definition.js';

export function defineScenario(definition: ThreadsScenarioDefinition): ThreadsScenarioDefinition;
export function defineScenario(definition: AsyncScenarioDefinition): AsyncScenarioDefinition;
export function defineScenario(definition: ScenarioDefinition): ScenarioDefinition {
  if (typeof definition !== 'object' || definition === null) throw new TypeError('defineScenario takes one object: { name, runtime, actors, setup?, invariant?, check?, journal?, busyTimeoutMs? }');
  if (typeof definition.name !== 'string' || definition.name === '') throw new TypeError('defineScenario: `name` must be a non-empty string');
  const runtime: string = (definition as { runtime: string }).runtime;
  if (runtime !== 'async' && runtime !== 'threads') throw new TypeError(`defineScenario "${definition.name}": runtime must be 'async' or 'threads'`);
  if (typeof definition.actors !== 'object' || definition.actors === null || Object.keys(definition.actors).length === 0) {
    throw new TypeError(`defineScenario "${definition.name}": actors must be an object of one or more functions by name`);
  }
  for (const [name, actor] of Object.entries(definition.actors)) {
    if (typeof actor !== 'function') throw new TypeError(`defineScenario "${definition.name}": actor "${name}" is not a function`);
  }
  if (definition.journal !== undefined && definition.journal !== 'delete' && definition.journal !== 'wal') {
    throw new TypeError(`defineScenario "${definition.name}": journal must be 'delete' or 'wal'`);
  }
  if (definition.busyTimeoutMs !== undefined && !(Number.isInteger(definition.busyTimeoutMs) && definition.busyTimeoutMs >= 0)) {
    throw new TypeError(`defineScenario "${definition.name}": busyTimeoutMs must be a whole number of ms, 0 or more`);
  }
  if (definition.runtime === 'threads') {
    if (typeof definition.module !== 'string' || !definition.module.startsWith('file:')) {
      throw new TypeError(`defineScenario "${definition.name}": a threads scenario needs module: import.meta.url (its worker threads import that module to find the actors)`);
    }
    registerThreadsScenario(definition);
  }
  return definition;
}
