/** Every scenario lockstep knows, bound to both engines, in catalogue order. */
import type { ScenarioBinding } from '../scenario-binding.js';
import { lifecycleBinding } from './lifecycle.binding.js';
import { ticketsBinding } from './tickets.binding.js';

export const SCENARIOS: readonly ScenarioBinding<never, never>[] = [
  ticketsBinding as unknown as ScenarioBinding<never, never>,
  lifecycleBinding as unknown as ScenarioBinding<never, never>,
];

export function findBinding(name: string): ScenarioBinding<never, never> | undefined {
  return SCENARIOS.find((s) => s.entry.name === name);
}
