/** The lifecycle scenario (seed 000): its model, its parameters and its properties. Free of the real engines (it runs in the trace viewer too); the binding adds the real engine. */
import { findScenario } from '../../properties/catalogue.js';
import { LIFECYCLE_PROPERTIES } from '../../properties/lifecycle.js';
import type { LifecycleCleanup, LifecycleFault, LifecycleParams, LifecycleStart, LifecycleWorld } from '../../spec/lifecycle/lifecycle.model.js';
import { createLifecycleModel, DEFAULT_POLL_MS, DEFAULT_STALE_MS, DEFAULT_STALL_MS, DEFAULT_WAIT_TIMEOUT_MS } from '../../spec/lifecycle/lifecycle.model.js';
import type { LifecycleObservation } from '../../spec/lifecycle/lifecycle.observation.js';
import type { LifecycleCode, WaitDesign } from '../../spec/lifecycle/operation-actor.machine.js';
import type { LifecycleVariant } from '../../impl/lifecycle/lifecycle.real-engine.js';
import type { ScenarioDefinition } from '../scenario-binding.js';
import { choiceParam, integerParam } from '../scenario-binding.js';
import type { ScenarioParams } from '../trace.js';

/** What each variant's code is, in the model's terms (the real engine picks the same classes by name). */
const VARIANTS: Readonly<Record<LifecycleVariant, { readonly code: LifecycleCode; readonly design: WaitDesign; readonly marksCompleted: boolean }>> = {
  'missing-complete': { code: 'write-up', design: 'callbacks', marksCompleted: false },
  fixed: { code: 'write-up', design: 'callbacks', marksCompleted: true },
  'event-cleanup': { code: 'write-up', design: 'event', marksCompleted: false },
  'exists-first': { code: 'v1', design: 'callbacks', marksCompleted: false },
  'exists-first-fixed': { code: 'v1', design: 'callbacks', marksCompleted: true },
  'fail-fast': { code: 'v2', design: 'callbacks', marksCompleted: true },
};

function variantOf(variant: string): LifecycleVariant {
  if (!(variant in VARIANTS)) throw new Error(`unknown variant '${variant}' of lifecycle (expected ${Object.keys(VARIANTS).join(', ')})`);
  return variant as LifecycleVariant;
}

export function lifecycleParams(variant: string, params: ScenarioParams): LifecycleParams & { readonly variant: LifecycleVariant } {
  const name = variantOf(variant);
  return {
    variant: name,
    ...VARIANTS[name],
    workers: Number(params['workers'] ?? 3),
    lateWaiters: Number(params['lateWaiters'] ?? 1),
    lateWorkers: Number(params['lateWorkers'] ?? 1),
    fault: String(params['fault'] ?? 'none') as LifecycleFault,
    cleanup: String(params['cleanup'] ?? 'fail') as LifecycleCleanup,
    start: String(params['start'] ?? 'empty') as LifecycleStart,
    waitTimeoutMs: Number(params['waitTimeoutMs'] ?? DEFAULT_WAIT_TIMEOUT_MS),
    pollMs: Number(params['pollMs'] ?? DEFAULT_POLL_MS),
    staleMs: Number(params['staleMs'] ?? DEFAULT_STALE_MS),
    stallMs: Number(params['stallMs'] ?? DEFAULT_STALL_MS),
  };
}

export const lifecycleScenario: ScenarioDefinition<LifecycleWorld, LifecycleObservation> = {
  entry: findScenario('lifecycle')!,
  params: [
    integerParam('workers', 'workers', 'workers asking for the same operation at t=0', 3, 1, 6),
    integerParam('lateWaiters', 'late-waiters', 'threads that call wait_for_completion once the result is stored (no fault: a fault brings a late worker instead)', 1, 0, 3),
    choiceParam(
      'fault',
      'fault',
      'none; crash-after-claim: the claimant dies before executing; stall-after-claim: the claimant stops for --stall ms; either way a worker starts after the stale-claim threshold',
      ['none', 'crash-after-claim', 'stall-after-claim'],
    ),
    integerParam('lateWorkers', 'late-workers', 'under a fault: processes started after the stale-claim threshold, one second apart', 1, 1, 3),
    choiceParam(
      'cleanup',
      'cleanup',
      "what a process started after the threshold does to stale running claims: fail (the upstream engine start: they become 'failed', never claimed again); delete (lockstep's what-if: they are deleted and can be claimed afresh)",
      ['fail', 'delete'],
    ),
    choiceParam('start', 'start', "the database at t=0: empty; stale-completion: the row reads completed and no result is stored (as an earlier run left it)", ['empty', 'stale-completion']),
    integerParam('waitTimeoutMs', 'wait-timeout', 'wait_for_completion timeout in virtual ms', DEFAULT_WAIT_TIMEOUT_MS, 1, 86_400_000),
    integerParam('pollMs', 'poll', 'notifier poll interval in virtual ms', DEFAULT_POLL_MS, 1, 60_000),
    integerParam('staleMs', 'stale', 'stale-claim threshold in virtual ms', DEFAULT_STALE_MS, 1, 86_400_000),
    integerParam('stallMs', 'stall', 'stall-after-claim: how long the claimant stops, in virtual ms', DEFAULT_STALL_MS, 1, 86_400_000),
  ],
  properties: LIFECYCLE_PROPERTIES,
  model: (variant, params) => createLifecycleModel(lifecycleParams(variant, params)),
};
