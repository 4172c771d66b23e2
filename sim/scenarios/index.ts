/** Every scenario lockstep knows, bound to both engines, in catalogue order. */
import type { ScenarioBinding } from '../scenario-binding.js';
import { leakedTransactionBinding } from './leaked-transaction.binding.js';
import { lifecycleBinding } from './lifecycle.binding.js';
import { lostUpdateBinding } from './lost-update.binding.js';
import { poolBinding } from './pool.binding.js';
import { retryBinding } from './retry.binding.js';
import { singletonBinding } from './singleton.binding.js';
import { staleLockBinding } from './stale-lock.binding.js';
import { ticketsBinding } from './tickets.binding.js';
import { writerGapBinding } from './writer-gap.binding.js';

type AnyBinding = ScenarioBinding<never, never>;

export const SCENARIOS: readonly AnyBinding[] = [
  ticketsBinding as unknown as AnyBinding,
  lifecycleBinding as unknown as AnyBinding,
  writerGapBinding as unknown as AnyBinding,
  staleLockBinding as unknown as AnyBinding,
  retryBinding as unknown as AnyBinding,
  poolBinding as unknown as AnyBinding,
  singletonBinding as unknown as AnyBinding,
  lostUpdateBinding as unknown as AnyBinding,
  leakedTransactionBinding as unknown as AnyBinding,
];

export function findBinding(name: string): AnyBinding | undefined {
  return SCENARIOS.find((s) => s.entry.name === name);
}
