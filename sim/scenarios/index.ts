/** Every scenario lockstep knows, bound to both engines, in catalogue order. */
import type { ScenarioBinding } from '../scenario-binding.js';
import { staleLockBinding } from './stale-lock.binding.js';
import { poolBinding } from './pool.binding.js';
import { retryBinding } from './retry.binding.js';
import { lostUpdateBinding } from './lost-update.binding.js';
import { singletonBinding } from './singleton.binding.js';
import { ticketsBinding } from './tickets.binding.js';
import { writerGapBinding } from './writer-gap.binding.js';

export const SCENARIOS: readonly ScenarioBinding<never, never>[] = [
  ticketsBinding as unknown as ScenarioBinding<never, never>,
  writerGapBinding as unknown as ScenarioBinding<never, never>,
  staleLockBinding as unknown as ScenarioBinding<never, never>,
  retryBinding as unknown as ScenarioBinding<never, never>,
  poolBinding as unknown as ScenarioBinding<never, never>,
  singletonBinding as unknown as ScenarioBinding<never, never>,
  lostUpdateBinding as unknown as ScenarioBinding<never, never>,
];

export function findBinding(name: string): ScenarioBinding<never, never> | undefined {
  return SCENARIOS.find((s) => s.entry.name === name);
}
