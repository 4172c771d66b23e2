/** The lost-update scenario (seed 004): its model, its parameters and its properties. Free of the real engines (it runs in the trace viewer too); the binding adds the real engine. */
import { findScenario } from '../../properties/catalogue.js';
import { LOST_UPDATE_PROPERTIES } from '../../properties/lost-update.js';
import type { LostUpdateGuard, LostUpdateRuntime, LostUpdateWorld } from '../../spec/lost-update/lost-update.model.js';
import { createLostUpdateModel } from '../../spec/lost-update/lost-update.model.js';
import type { LostUpdateObservation } from '../../spec/lost-update/lost-update.observation.js';
import type { PenaltyBody } from '../../spec/lost-update/penalty-task.machine.js';
import type { ScenarioDefinition } from '../scenario-binding.js';
import { choiceParam, integerParam } from '../scenario-binding.js';
import type { ScenarioParams } from '../trace.js';

/** The variants: lockstep's awaited read-modify-write, and upstream's synchronous `_penalize_host`; each bare or under a lock. */
const VARIANTS: Readonly<Record<string, { readonly guard: LostUpdateGuard; readonly body: PenaltyBody }>> = {
  unguarded: { guard: 'unguarded', body: 'awaited' },
  locked: { guard: 'locked', body: 'awaited' },
  'sync-unguarded': { guard: 'unguarded', body: 'sync' },
  'sync-thread-lock': { guard: 'locked', body: 'sync' },
};

export function lostUpdateParams(variant: string, params: ScenarioParams): { tasks: number; hosts: number; guard: LostUpdateGuard; body: PenaltyBody; runtime: LostUpdateRuntime } {
  const shape = VARIANTS[variant];
  if (shape === undefined) throw new Error(`unknown variant '${variant}' of lost-update (expected ${Object.keys(VARIANTS).join(', ')})`);
  const runtime = String(params['runtime'] ?? 'async') === 'threads' ? 'threads' : 'async';
  return { tasks: Number(params['tasks'] ?? 3), hosts: Number(params['hosts'] ?? 2), ...shape, runtime };
}

export const lostUpdateScenario: ScenarioDefinition<LostUpdateWorld, LostUpdateObservation> = {
  entry: findScenario('lost-update')!,
  params: [
    integerParam('tasks', 'tasks', 'async tasks, task i penalizing host i mod hosts once', 3, 1, 6),
    integerParam('hosts', 'hosts', 'hosts the tasks penalize', 2, 1, 6),
    choiceParam('runtime', 'runtime', 'async: tasks on one event loop; threads: worker threads over shared memory', ['async', 'threads']),
  ],
  properties: LOST_UPDATE_PROPERTIES,
  model: (variant, params) => createLostUpdateModel(lostUpdateParams(variant, params)),
};
