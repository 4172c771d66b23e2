/**
 * Every scenario's definition (model, parameters, properties) without its real engine, in catalogue order: what
 * the trace viewer bundles for the browser (sim/view/browser/). index.ts binds the same definitions to their
 * real engines.
 */
import type { ScenarioDefinition } from '../scenario-binding.js';
import { leakedTransactionScenario } from './leaked-transaction.scenario.js';
import { lifecycleScenario } from './lifecycle.scenario.js';
import { lostUpdateScenario } from './lost-update.scenario.js';
import { poolScenario } from './pool.scenario.js';
import { retryScenario } from './retry.scenario.js';
import { singletonScenario } from './singleton.scenario.js';
import { staleLockScenario } from './stale-lock.scenario.js';
import { ticketsScenario } from './tickets.scenario.js';
import { writerGapScenario } from './writer-gap.scenario.js';

type AnyDefinition = ScenarioDefinition<never, never>;

export const DEFINITIONS: readonly AnyDefinition[] = [
  ticketsScenario as unknown as AnyDefinition,
  lifecycleScenario as unknown as AnyDefinition,
  writerGapScenario as unknown as AnyDefinition,
  staleLockScenario as unknown as AnyDefinition,
  retryScenario as unknown as AnyDefinition,
  poolScenario as unknown as AnyDefinition,
  singletonScenario as unknown as AnyDefinition,
  lostUpdateScenario as unknown as AnyDefinition,
  leakedTransactionScenario as unknown as AnyDefinition,
];

export function findDefinition(name: string): AnyDefinition | undefined {
  return DEFINITIONS.find((d) => d.entry.name === name);
}
