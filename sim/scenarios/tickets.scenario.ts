/** The ticket scenario (seed 002): its model, its parameters and its properties. Free of the real engines (it runs in the trace viewer too); the binding adds the real engine. */
import { findScenario } from '../../properties/catalogue.js';
import { TICKETS_PROPERTIES } from '../../properties/tickets.js';
import type { BeginMode, Journal } from '../../spec/sqlite/lock-script.js';
import type { TicketWorkload } from '../../spec/tickets/ticket-worker.machine.js';
import type { TicketsWorld } from '../../spec/tickets/tickets.model.js';
import { createTicketsModel } from '../../spec/tickets/tickets.model.js';
import type { TicketsObservation } from '../../spec/tickets/tickets.observation.js';
import type { ScenarioDefinition } from '../scenario-binding.js';
import { choiceParam, integerParam } from '../scenario-binding.js';
import type { ScenarioParams } from '../trace.js';

const MODE_OF_VARIANT: Readonly<Record<string, Extract<BeginMode, 'deferred' | 'immediate'>>> = { deferred: 'deferred', immediate: 'immediate' };

export function ticketsParams(variant: string, params: ScenarioParams) {
  const mode = MODE_OF_VARIANT[variant];
  if (mode === undefined) throw new Error(`unknown variant '${variant}' of tickets (expected deferred, immediate)`);
  return {
    workers: Number(params['workers'] ?? 3),
    journal: String(params['journal'] ?? 'delete') as Journal,
    workload: String(params['workload'] ?? 'acquire') as TicketWorkload,
    busyTimeoutMs: Number(params['busyTimeoutMs'] ?? 5000),
    mode,
  };
}

export const ticketsScenario: ScenarioDefinition<TicketsWorld, TicketsObservation> = {
  entry: findScenario('tickets')!,
  params: [
    integerParam('workers', 'workers', 'worker threads, one ticket each', 3, 1, 8),
    choiceParam('journal', 'journal', 'journal mode', ['delete', 'wal']),
    choiceParam('workload', 'workload', 'acquire: worker i locks ticket i (the seed); next: get-and-lock-next', ['acquire', 'next']),
    integerParam('busyTimeoutMs', 'busy-timeout', 'busy timeout in virtual ms', 5000, 0, 3_600_000),
  ],
  properties: TICKETS_PROPERTIES,
  model: (variant, params) => createTicketsModel(ticketsParams(variant, params)),
};
