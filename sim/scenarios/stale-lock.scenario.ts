/** The stale-lock scenario (seed 003): its model, its parameters and its properties. Free of the real engines (it runs in the trace viewer too); the binding adds the real engine. */
import { findScenario } from '../../properties/catalogue.js';
import { STALE_LOCK_PROPERTIES } from '../../properties/stale-lock.js';
import type { StaleLockVariant } from '../../spec/stale-lock/lock-contender.machine.js';
import type { StaleLockWorld } from '../../spec/stale-lock/stale-lock.model.js';
import { createStaleLockModel } from '../../spec/stale-lock/stale-lock.model.js';
import type { StaleLockObservation } from '../../spec/stale-lock/stale-lock.observation.js';
import type { ScenarioDefinition } from '../scenario-binding.js';
import { integerParam } from '../scenario-binding.js';
import type { ScenarioParams } from '../trace.js';

const VARIANTS: readonly StaleLockVariant[] = ['check-then-remove', 'tombstone'];

export function staleLockParams(variant: string, params: ScenarioParams) {
  const found = VARIANTS.find((v) => v === variant);
  if (found === undefined) throw new Error(`unknown variant '${variant}' of stale-lock (expected ${VARIANTS.join(', ')})`);
  return {
    variant: found,
    contenders: Number(params['contenders'] ?? 2),
    maxTries: Number(params['maxTries'] ?? 2),
  };
}

export const staleLockScenario: ScenarioDefinition<StaleLockWorld, StaleLockObservation> = {
  entry: findScenario('stale-lock')!,
  params: [
    integerParam('contenders', 'contenders', 'live processes racing for the stale lock', 2, 1, 4),
    integerParam('maxTries', 'tries', 'creates each contender tries before it gives up', 2, 1, 5),
  ],
  properties: STALE_LOCK_PROPERTIES,
  model: (variant, params) => createStaleLockModel(staleLockParams(variant, params)),
};
