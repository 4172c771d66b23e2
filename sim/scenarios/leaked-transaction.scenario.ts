/** The leaked-transaction scenario (seed 004): its model, its parameters and its properties. Free of the real engines (it runs in the trace viewer too); the binding adds the real engine (real worker threads). */
import { findScenario } from '../../properties/catalogue.js';
import { LEAKED_TRANSACTION_PROPERTIES } from '../../properties/leaked-transaction.js';
import type { ConnectionPolicy } from '../../spec/leaked-transaction/legacy-thread.machine.js';
import type { LeakedTransactionParams, LeakedTransactionWorld } from '../../spec/leaked-transaction/leaked-transaction.model.js';
import { createLeakedTransactionModel } from '../../spec/leaked-transaction/leaked-transaction.model.js';
import type { LeakedObservation } from '../../spec/leaked-transaction/leaked-transaction.observation.js';
import type { Holder, ReportPlacement } from '../../spec/leaked-transaction/thread-program.js';
import { HOLDERS, REPORT_PLACEMENTS } from '../../spec/leaked-transaction/thread-program.js';
import type { ScenarioDefinition } from '../scenario-binding.js';
import { choiceParam, integerParam } from '../scenario-binding.js';
import type { ScenarioParams } from '../trace.js';

/** The variants: what get_db_connection does when its block ends, and the BEGIN Python sends before a write. */
export const LEAKED_TRANSACTION_POLICIES: Readonly<Record<string, ConnectionPolicy>> = {
  legacy: { begin: 'deferred', rollbackOnError: false, rollbackOnExit: false },
  'rollback-before-retry': { begin: 'deferred', rollbackOnError: true, rollbackOnExit: false },
  'begin-immediate': { begin: 'immediate', rollbackOnError: false, rollbackOnExit: false },
  'rollback-on-exit': { begin: 'deferred', rollbackOnError: false, rollbackOnExit: true },
};

export function leakedTransactionParams(variant: string, params: ScenarioParams): LeakedTransactionParams {
  const policy = LEAKED_TRANSACTION_POLICIES[variant];
  if (policy === undefined) throw new Error(`unknown variant '${variant}' of leaked-transaction (expected ${Object.keys(LEAKED_TRANSACTION_POLICIES).join(', ')})`);
  return {
    policy,
    holder: String(params['holder'] ?? 'leaked-lock') as Holder,
    holdMs: Number(params['holdMs'] ?? 180_000),
    workMs: Number(params['workMs'] ?? 60_000),
    laterRecords: Number(params['laterRecords'] ?? 2),
    report: String(params['report'] ?? 'after-record') as ReportPlacement,
    maxAttempts: Number(params['maxAttempts'] ?? 5),
    baseDelayMs: Number(params['baseDelayMs'] ?? 100),
    busyTimeoutMs: Number(params['busyTimeoutMs'] ?? 30_000),
  };
}

export const leakedTransactionScenario: ScenarioDefinition<LeakedTransactionWorld, LeakedObservation> = {
  entry: findScenario('leaked-transaction')!,
  params: [
    choiceParam('holder', 'holder', "what keeps the write lock: leaked-lock (thread-1's _update_pattern swallows an error after its UPSERT) or long-transaction (another job's transaction)", HOLDERS),
    integerParam('holdMs', 'hold', 'how long the holder keeps the write lock, in virtual ms', 180_000, 0, 3_600_000),
    integerParam('workMs', 'work', "thread-0's work between its later calls, in virtual ms", 60_000, 0, 3_600_000),
    choiceParam('report', 'report', "after-record: thread-0 reads its health report right after its first record; none: it never reads", REPORT_PLACEMENTS),
    integerParam('laterRecords', 'later-records', 'record calls thread-0 makes after its report', 2, 0, 4),
    integerParam('maxAttempts', 'attempts', "with_db_retry's max_retries (attempts in all)", 5, 1, 8),
    integerParam('baseDelayMs', 'backoff-ms', "with_db_retry's first delay in virtual ms (doubles per retry)", 100, 0, 60_000),
    integerParam('busyTimeoutMs', 'busy-timeout', 'busy timeout in virtual ms', 30_000, 0, 3_600_000),
  ],
  properties: LEAKED_TRANSACTION_PROPERTIES,
  model: (variant, params) => createLeakedTransactionModel(leakedTransactionParams(variant, params)),
};
