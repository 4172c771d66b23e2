/** The leaked-transaction scenario bound to both engines: its definition (leaked-transaction.scenario.ts, free of the real engines) and its real implementation on real worker threads. */
import { openLeakedTransactionRun } from '../../impl/leaked-transaction/leaked-transaction.real-engine.js';
import type { LeakedTransactionWorld } from '../../spec/leaked-transaction/leaked-transaction.model.js';
import type { LeakedObservation } from '../../spec/leaked-transaction/leaked-transaction.observation.js';
import type { ScenarioBinding } from '../scenario-binding.js';
import { LEAKED_TRANSACTION_POLICIES, leakedTransactionParams, leakedTransactionScenario } from './leaked-transaction.scenario.js';

export { LEAKED_TRANSACTION_POLICIES, leakedTransactionParams };

export const leakedTransactionBinding: ScenarioBinding<LeakedTransactionWorld, LeakedObservation> = {
  ...leakedTransactionScenario,
  openReal: (variant, params) => {
    const p = leakedTransactionParams(variant, params);
    const { begin, rollbackOnError, rollbackOnExit } = p.policy;
    return openLeakedTransactionRun({ ...p, policy: { isolationLevel: begin === 'immediate' ? 'IMMEDIATE' : '', rollbackOnError, rollbackOnExit } });
  },
};
